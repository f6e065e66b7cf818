/**
 * Training runs are logged and every trained model registered; the champion alias moves only
 * when the new version passes the gates on the same matches. A retrain worse than the champion
 * leaves it in place, with the refusal and its reason recorded; manual promotion and rollback
 * are recorded too; and the API serves the champion while exposing runs and models over
 * MLflow's REST API on the same port.
 */
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { forEachEngine } from '../helpers/warehouses.ts';
import { bundled } from '../helpers/football-data.ts';
import { loadFootballDataFile } from '../../src/ingest/football-data/load.ts';
import { FolderStore } from '../../src/lake/folder-store.ts';
import { eloSpec, modelSpecs } from '../../src/ml/index.ts';
import { teamDirectory } from '../../src/warehouse/queries.ts';
import type { Warehouse } from '../../src/warehouse/db.ts';
import type { ModelSpec } from '../../src/ml/models/model.ts';
import { backtestSeason } from '../../src/stages/backtest.ts';
import { REGISTERED_MODEL, trainAll } from '../../src/stages/train.ts';
import { inProcessClient } from '../../src/tracking/open.ts';
import { CHAMPION, Registry, TRAINING_EXPERIMENT } from '../../src/registry/registry.ts';
import { registerTraining } from '../../src/registry/train-and-promote.ts';
import { PROMOTION_TAGS, promoteManually, rollback } from '../../src/registry/promotion.ts';
import { fromKeyValues } from '../../src/tracking/client/client.ts';
import { buildApp } from '../../src/serve/app.ts';
import { Predictor } from '../../src/serve/predictor.ts';

// Calibration error is noisy on one season (380 matches); the RPS gate is the one under test here.
const cfg = { refitDays: 30, promotionRpsTolerance: 0.0005, promotionCalibrationBound: 0.2 };
const SEASON = { league: 'E0', season: '2022-2023' };

async function trainAndRegister(wh: Warehouse, registry: Registry, spec: ModelSpec<any>, at: Date) {
  const report = await backtestSeason(wh, { ...SEASON, specs: [spec], refitDays: cfg.refitDays });
  const [artifact] = await trainAll(wh, [spec], { [spec.name]: { configKey: `test-${spec.name}`, pooled: report.models[spec.name] } });
  return registerTraining({ cfg, wh, registry, artifact: artifact!, spec, evaluation: report, perSeason: [report], now: () => at });
}

forEachEngine('a worse retrain leaves the champion in place; promotions, refusals and rollbacks are recorded; the API serves and exposes them', async (wh) => {
  for (const f of ['E0/2021-2022.csv', 'E0/2022-2023.csv']) await loadFootballDataFile(wh, bundled(f));
  const lake = new FolderStore(mkdtempSync(path.join(tmpdir(), 't2b-promotion-')));
  const client = inProcessClient(wh, lake);
  const registry = new Registry(client);

  // First model: no champion yet, so it is promoted; its run holds params, per-season metrics, fingerprint, code version, artifact.
  const first = await trainAndRegister(wh, registry, eloSpec(), new Date('2024-01-01T00:00:00Z'));
  assert.equal(first.outcome.decision.promote, true, first.outcome.decision.reason);
  assert.match(first.outcome.decision.reason, /no champion yet/);
  assert.equal((await registry.byAlias(REGISTERED_MODEL, CHAMPION))!.version, first.version.version);
  const run = await client.getRun(first.runId);
  assert.equal(run.info.status, 'FINISHED');
  const params = fromKeyValues(run.data.params);
  assert.equal(params.model, 'elo');
  assert.equal(params.evaluation_seasons, 'E0 2022-2023');
  assert.equal(params['hyper.k'], '20', 'hyper-parameters are params');
  const tags = fromKeyValues(run.data.tags);
  assert.match(tags['time2bet.data_fingerprint']!, /^md5:/);
  assert.match(tags['mlflow.source.git.commit'] ?? '', /^[0-9a-f]{40}$/, 'the code version (this is a git checkout)');
  assert.equal(tags[PROMOTION_TAGS.decision], 'promoted');
  const perSeason = await client.getMetricHistory(first.runId, 'rps.E0');
  assert.deepEqual(perSeason.map((m) => m.step), [2022], 'per-season metrics, the season as the step');
  assert.deepEqual(await client.listArtifacts(first.runId, 'model'), [{ path: 'model/model.json', is_dir: false, file_size: (await client.listArtifacts(first.runId, 'model'))[0]!.file_size }]);
  assert.equal(first.version.runId, first.runId);

  // A retrain that is clearly worse (ratings that barely move: RPS about 0.006 worse): refused, champion unchanged.
  const bad = eloSpec({ k: 1 });
  const second = await trainAndRegister(wh, registry, bad, new Date('2024-01-08T00:00:00Z'));
  assert.equal(second.outcome.decision.promote, false);
  assert.match(second.outcome.decision.reason, new RegExp(`worse than champion v${first.version.version}'s .* on the same \\d+ matches`));
  const champion = (await registry.byAlias(REGISTERED_MODEL, CHAMPION))!;
  assert.equal(champion.version, first.version.version, 'the champion stays where it was');
  const refused = await registry.get(REGISTERED_MODEL, second.version.version);
  assert.equal(refused.tags[PROMOTION_TAGS.decision], 'refused');
  assert.equal(refused.tags[PROMOTION_TAGS.reason], second.outcome.decision.reason);
  const gate = JSON.parse(refused.tags[PROMOTION_TAGS.gate]!);
  assert.equal(gate.candidate.matches, gate.champion.matches, 'both scored on the same matches');
  assert.ok(gate.candidate.rps > gate.champion.rps + cfg.promotionRpsTolerance);
  assert.equal(fromKeyValues((await client.getRun(second.runId)).data.tags)[PROMOTION_TAGS.decision], 'refused');

  // The API serves models:/time2bet@champion and exposes runs, versions and the alias over MLflow's REST API.
  const served = await registry.resolve(`models:/${REGISTERED_MODEL}@${CHAMPION}`);
  const artifact = await registry.loadArtifact(served);
  const { aliases } = await teamDirectory(wh.db);
  const { app } = await buildApp({ predictor: new Predictor(artifact, served.version, modelSpecs(), aliases), ping: async () => true, logLevel: 'silent', tracking: { wh, lake } });
  try {
    const predicted = await app.inject({ method: 'POST', url: '/v1/predictions', payload: { home: 'Arsenal', away: 'Chelsea' } });
    assert.equal(predicted.json().model.version, first.version.version);
    const alias = await app.inject({ method: 'GET', url: `/api/2.0/mlflow/registered-models/alias?name=${REGISTERED_MODEL}&alias=${CHAMPION}` });
    assert.equal(alias.json().model_version.version, String(first.version.version));
    const exp = (await app.inject({ method: 'GET', url: `/api/2.0/mlflow/experiments/get-by-name?experiment_name=${TRAINING_EXPERIMENT}` })).json().experiment;
    const runs = await app.inject({ method: 'POST', url: '/api/2.0/mlflow/runs/search', payload: { experiment_ids: [exp.experiment_id], order_by: ['metrics.rps ASC'] } });
    const table = runs.json().runs.map((r: any) => [r.info.run_id, fromKeyValues(r.data.params)['hyper.k'], r.data.metrics.find((m: any) => m.key === 'rps')?.value]);
    assert.deepEqual(table.map((r: unknown[]) => r.slice(0, 2)), [[first.runId, '20'], [second.runId, '1']], 'the runs table with params and metrics, best first');
    const bulk = await app.inject({ method: 'GET', url: `/ajax-api/2.0/mlflow/metrics/get-history-bulk?run_id=${first.runId}&run_id=${second.runId}&metric_key=rps.E0` });
    assert.equal(bulk.json().metrics.length, 2, 'metric histories for the compare view');
    const docs = await app.inject({ method: 'GET', url: '/docs/json' });
    assert.doesNotMatch(docs.body, /api\/2\.0\/mlflow/, 'MLflow routes stay out of the API’s OpenAPI page');
  } finally {
    await app.close();
  }

  // By hand: promote the refused version, then roll back to the one it replaced.
  const manual = await promoteManually(registry, REGISTERED_MODEL, second.version.version, 'testing a hunch', new Date('2024-01-09T00:00:00Z'));
  assert.equal(manual.champion.version, second.version.version);
  assert.equal((await registry.get(REGISTERED_MODEL, second.version.version)).tags[PROMOTION_TAGS.previous], String(first.version.version));
  const back = await rollback(registry, REGISTERED_MODEL, { reason: 'hunch was wrong', at: new Date('2024-01-10T00:00:00Z') });
  assert.equal(back.champion.version, first.version.version);
  assert.equal((await registry.byAlias(REGISTERED_MODEL, CHAMPION))!.version, first.version.version);
  assert.match((await registry.get(REGISTERED_MODEL, second.version.version)).tags[PROMOTION_TAGS.demoted]!, /rolled back to v1 .*: hunch was wrong/);
  assert.equal((await registry.get(REGISTERED_MODEL, first.version.version)).tags[PROMOTION_TAGS.decision], 'restored');
}, { timeout: 300_000 });
