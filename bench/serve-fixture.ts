/** Benchmark fixture: trains on a few real seasons in memory and serves the API; prints the URL. */
import { buildApp } from '../src/serve/app.ts';
import { Predictor } from '../src/serve/predictor.ts';
import { modelSpecs } from '../src/ml/index.ts';
import { teamDirectory } from '../src/warehouse/queries.ts';
import { trainedWarehouse } from '../test/helpers/trained.ts';

const t = await trainedWarehouse(['E0/2020-2021.csv', 'E0/2021-2022.csv', 'E0/2022-2023.csv']);
const artifact = await t.registry.loadArtifact(t.champion);
const { aliases } = await teamDirectory(t.wh.db);
const { app } = await buildApp({ predictor: new Predictor(artifact, t.champion.version, modelSpecs(), aliases), ping: () => t.wh.ping(), logLevel: 'warn' });
await app.listen({ host: '127.0.0.1', port: 0 });
const addr = app.server.address();
process.stdout.write(`READY http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}\n`);
process.on('SIGTERM', () => void app.close().then(() => t.wh.close()).then(() => process.exit(0)));
