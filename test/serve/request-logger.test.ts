import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import Fastify from 'fastify';
import { lazyChildLoggerFactory } from '../../src/serve/request-logger.ts';

/** A Fastify app whose logger (pino) writes JSON lines into `lines` and counts the child loggers it builds. */
function appWithLog(level: string) {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk, _enc, cb) {
      for (const l of String(chunk).split('\n')) if (l) lines.push(JSON.parse(l));
      cb();
    },
  });
  const app = Fastify({ logger: { level, stream }, childLoggerFactory: lazyChildLoggerFactory });
  let children = 0;
  const child = app.log.child;
  app.log.child = function (this: typeof app.log, ...a: Parameters<typeof child>) {
    children++;
    return child.apply(this, a);
  } as typeof child;
  app.get('/quiet', async (req) => (req.log.info('info line'), req.log.debug('debug line'), 'ok'));
  app.get('/warn', async (req) => (req.log.warn({ n: 1 }, 'warn line'), req.log.error('error line'), 'ok'));
  app.get('/child', async (req) => (req.log.child({ part: 'x' }).warn('from a child'), 'ok'));
  app.get('/boom', async () => {
    throw new Error('kaput');
  });
  app.get('/chatty', { logLevel: 'debug' }, async (req) => (req.log.debug('route-level debug'), 'ok'));
  return { app, lines, children: () => children };
}

test('request logger: lines at enabled levels carry the request id; disabled levels build nothing', async () => {
  const { app, lines, children } = appWithLog('warn');
  await app.inject('/quiet');
  assert.equal(lines.length, 0, "info and debug (ours and Fastify's request lines) are below warn");
  assert.equal(children(), 0, 'no child logger is built for a request that logs nothing');

  const r = await app.inject('/warn');
  assert.equal(r.statusCode, 200);
  assert.deepEqual(lines.map((l) => [l.msg, l.level, l.n]), [['warn line', 40, 1], ['error line', 50, undefined]]);
  assert.ok(typeof lines[0]!.reqId === 'string' && lines[0]!.reqId === lines[1]!.reqId, 'both lines bound to the request id');
  assert.equal(children(), 1, 'one child per request, built on first use');

  lines.length = 0;
  await app.inject('/child');
  assert.equal(lines[0]!.msg, 'from a child');
  assert.equal(lines[0]!.part, 'x', JSON.stringify(lines));
  assert.equal(typeof lines[0]!.reqId, 'string', JSON.stringify(lines));

  lines.length = 0;
  assert.equal((await app.inject('/boom')).statusCode, 500);
  const failed = lines.find((l) => (l.err as { message?: string } | undefined)?.message === 'kaput');
  assert.ok(failed, JSON.stringify(lines));
  assert.equal(typeof failed.reqId, 'string', "Fastify's own error line keeps the request id");
  await app.close();
});

test('request logger: a route with its own log level gets it', async () => {
  const { app, lines } = appWithLog('warn');
  await app.inject('/chatty');
  assert.deepEqual(lines.map((l) => l.msg), ['incoming request', 'route-level debug', 'request completed'], 'the route logs at debug, Fastify’s lines included');
  assert.ok(lines.every((l) => typeof l.reqId === 'string' && l.reqId === lines[0]!.reqId));
  await app.close();
});

test('request logger: the level reads through to the parent and can be raised per request', async () => {
  const { app, lines } = appWithLog('info');
  app.get('/verbose', async (req) => {
    assert.equal(req.log.level, 'info');
    req.log.level = 'debug';
    req.log.debug('now visible');
    return 'ok';
  });
  await app.inject('/verbose');
  await app.inject('/quiet');
  const ours = lines.filter((l) => l.msg !== 'incoming request' && l.msg !== 'request completed');
  assert.deepEqual(ours.map((l) => l.msg), ['now visible', 'info line'], 'raising one request’s level leaves the next request at info');
  assert.ok(lines.some((l) => l.msg === 'incoming request' && typeof l.reqId === 'string'), "Fastify's own request lines keep the request id");
  await app.close();
});
