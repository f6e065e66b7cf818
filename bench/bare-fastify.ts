/**
 * Benchmark reference: the smallest validated Fastify endpoint (no logger, no hooks, a constant
 * answer). `npm run bench` loads it like the real API, so the report shows what this machine
 * allows at that moment. Prints the URL; SIGTERM closes it.
 */
import Fastify from 'fastify';

const app = Fastify({ logger: false });
app.post(
  '/v1/predictions',
  { schema: { body: { type: 'object', required: ['home', 'away'], additionalProperties: false, properties: { home: { type: 'string' }, away: { type: 'string' } } } } },
  async (req) => {
    const b = req.body as { home: string; away: string };
    return { home: b.home, away: b.away, probabilities: { home: 0.45, draw: 0.25, away: 0.3 } };
  },
);
await app.listen({ host: '127.0.0.1', port: 0 });
const addr = app.server.address();
process.stdout.write(`READY http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}\n`);
process.on('SIGTERM', () => void app.close().then(() => process.exit(0)));
