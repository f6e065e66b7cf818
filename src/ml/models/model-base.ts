/**
 * Building blocks of the fitted models: a base class that keeps a fit's state private, and the
 * field readers of their `fromJSON` (every error names the model: `elo.fromJSON: …`). Pure.
 */
import { mergeHyper } from './training-data.ts';

/**
 * A fitted model over one state object, kept private (an instance's only own property is
 * `kind`), whose JSON starts with its kind, hyper-parameters and as-of day.
 */
export abstract class FittedState<S extends { hyper: object; asOfDay: number }> {
  abstract readonly kind: string;
  readonly #s: S;

  constructor(state: S) {
    this.#s = state;
  }

  protected get state(): S {
    return this.#s;
  }

  /** The parameters {@link toJSON} lists after `kind`, `hyper` and `asOfDay`. */
  protected abstract paramsJSON(): Record<string, unknown>;

  /** JSON-safe parameters; the model's fromJSON restores an identical model. */
  toJSON(): Record<string, unknown> {
    const s = this.#s;
    return { kind: this.kind, hyper: { ...s.hyper }, asOfDay: s.asOfDay, ...this.paramsJSON() };
  }
}

export interface JsonReader {
  /** Throw `${model}.fromJSON: ${message}`. */
  fail(message: string): never;
  /** A finite number, or an error naming the field `what`. */
  num(v: unknown, what: string): number;
  /** A plain object, or an error naming the field `what`. */
  obj(v: unknown, what: string): Record<string, unknown>;
}

/**
 * Readers for `model`'s fromJSON. With `lenientObjects` a missing object reads as `{}` and any
 * other value as itself, so a bad object shows up as its first bad field instead (the errors
 * diagonal-poisson has always given).
 */
export function jsonReader(model: string, options: { lenientObjects?: boolean } = {}): JsonReader {
  const fail = (message: string): never => {
    throw new Error(`${model}.fromJSON: ${message}`);
  };
  return {
    fail,
    num(v, what) {
      if (typeof v !== 'number' || !Number.isFinite(v)) fail(`${what} must be a finite number, got ${JSON.stringify(v)}`);
      return v as number;
    },
    obj(v, what) {
      if (options.lenientObjects) return (v ?? {}) as Record<string, unknown>;
      if (typeof v !== 'object' || v === null || Array.isArray(v)) fail(`${what} must be an object`);
      return v as Record<string, unknown>;
    },
  };
}

/** Reject serialised parameters of another kind of model. */
export function expectKind(params: Record<string, unknown>, kind: string): void {
  if (params.kind !== kind) throw new Error(`${kind}.fromJSON: expected kind "${kind}", got ${JSON.stringify(params.kind)}`);
}

/**
 * Every hyper-parameter `defaults` names, read in that order from a model's JSON `hyper` and
 * merged as {@link mergeHyper} does; `absent` gives the value of a key older JSON may lack.
 */
export function readHyper<P extends Record<string, number>>(model: string, defaults: P, hyper: Record<string, unknown>, j: JsonReader, absent: Partial<P> = {}): P {
  const given: Record<string, number> = {};
  for (const k of Object.keys(defaults)) given[k] = hyper[k] === undefined && absent[k] !== undefined ? absent[k] : j.num(hyper[k], `hyper.${k}`);
  return mergeHyper(model, defaults, given as Partial<P>);
}
