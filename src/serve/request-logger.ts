/**
 * Per-request loggers that cost nothing until something is logged.
 *
 * Fastify gives every request a pino child logger bound to its request id. Building that child
 * (pino serialises the bindings up front) is one of the dearest steps of a request that logs
 * nothing, which is every successful prediction at the default level (warn). This factory hands
 * out a thin wrapper instead: a line at an enabled level builds the real child once, so every
 * line still carries `reqId`; a line at a disabled level is dropped without building it.
 * Measured with `npm run bench` (docs/benchmarks.md).
 */
import type { FastifyBaseLogger } from 'fastify';
import type { FastifyChildLoggerFactory } from 'fastify/types/logger.js';
import type { Bindings, ChildLoggerOptions, Level } from 'pino';

type Parent = FastifyBaseLogger & { isLevelEnabled?: (level: string) => boolean };
type Args = [unknown, ...unknown[]];

class LazyRequestLogger {
  #child: FastifyBaseLogger | undefined;
  constructor(
    private readonly parent: Parent,
    private readonly bindings: Bindings,
  ) {}

  /** The real child logger, built on first use. */
  get #logger(): FastifyBaseLogger {
    return (this.#child ??= this.parent.child(this.bindings));
  }

  #log(level: Level, args: Args): void {
    if (this.#child === undefined && this.parent.isLevelEnabled?.(level) === false) return;
    (this.#logger[level] as (...a: Args) => void)(...args);
  }

  get level(): string {
    return this.#child?.level ?? this.parent.level;
  }
  set level(level: string) {
    this.#logger.level = level;
  }
  fatal(...args: Args): void {
    this.#log('fatal', args);
  }
  error(...args: Args): void {
    this.#log('error', args);
  }
  warn(...args: Args): void {
    this.#log('warn', args);
  }
  info(...args: Args): void {
    this.#log('info', args);
  }
  debug(...args: Args): void {
    this.#log('debug', args);
  }
  trace(...args: Args): void {
    this.#log('trace', args);
  }
  silent(): void {}
  child(bindings: Bindings, options?: ChildLoggerOptions): FastifyBaseLogger {
    return this.#logger.child(bindings, options);
  }
}

/**
 * Fastify `childLoggerFactory`: a lazy request logger, unless the route asks for its own level
 * or serializers (then pino's child, built at once, as Fastify does by default).
 */
export const lazyChildLoggerFactory: FastifyChildLoggerFactory = function (logger, bindings, options) {
  if (options.level !== undefined || options.serializers !== undefined) return logger.child(bindings, options);
  return new LazyRequestLogger(logger, bindings) as unknown as FastifyBaseLogger;
};
