/**
 * One tracking-and-registry scenario, written against the TrackingClient only, so it can run
 * against any server: the built-in one in another process, or an MLflow server.
 */
import assert from 'node:assert/strict';
import { TrackingClient, fromKeyValues } from '../../src/tracking/client/client.ts';
import { MlflowError } from '../../src/tracking/errors.ts';
import { Registry } from '../../src/registry/registry.ts';
import { ARTIFACT_SCHEMA, type ModelArtifact } from '../../src/registry/artifact.ts';

export function artifactFor(kind: string, name = 'scenario-model'): ModelArtifact {
  return {
    schema: ARTIFACT_SCHEMA,
    name,
    kind,
    hyper: { k: 20 },
    leagues: { E0: { asOfDay: 19500, trainingMatches: 380, params: { ratings: [] } } },
    teams: { Arsenal: 'E0' },
    trainingData: { fingerprint: 'md5:abc:380', matches: 380 },
    features: { inputs: ['league', 'home', 'away'], description: 'test' },
    metrics: { pooled: { rps: 0.2 }, configKey: 'cfg', perLeague: Array.from({ length: 200 }, (_, i) => ({ league: `L${i}`, rps: 0.2 })) },
  };
}

export async function clientScenario(client: TrackingClient): Promise<void> {
  const exp = await client.getOrCreateExperiment('scenario');
  assert.equal(await client.getOrCreateExperiment('scenario'), exp, 'get-or-create is idempotent');
  const run = await client.createRun({ experimentId: exp, runName: 'train-elo', tags: { 'mlflow.source.git.commit': 'abc123' } });
  const runId = run.info.run_id;
  assert.equal(run.info.status, 'RUNNING');

  // More than MLflow allows in one request: the client splits it.
  const params = Object.fromEntries(Array.from({ length: 150 }, (_, i) => [`hyper.p${i}`, String(i)]));
  const metrics = Array.from({ length: 2500 }, (_, i) => ({ key: 'loss', value: 1 / (i + 1), step: i, timestamp: 1_700_000_000_000 + i }));
  await client.logBatch(runId, { params, metrics, tags: { phase: 'fit' } });
  await client.logMetric(runId, 'rps', 0.201, { step: 2022 });
  await client.logMetric(runId, 'rps', 0.199, { step: 2023 });
  await client.logParam(runId, 'model', 'elo');
  await client.logParam(runId, 'model', 'elo');
  await assert.rejects(client.logParam(runId, 'model', 'dixon-coles'), (e: unknown) => e instanceof MlflowError && e.errorCode === 'INVALID_PARAMETER_VALUE' && e.status === 400);
  await assert.rejects(client.getRun('0'.repeat(32)), (e: unknown) => e instanceof MlflowError && e.errorCode === 'RESOURCE_DOES_NOT_EXIST' && e.status === 404);
  await client.setTag(runId, 'phase', 'done');

  const history = await client.getMetricHistory(runId, 'loss');
  assert.equal(history.length, 2500, 'no metric lost');
  assert.deepEqual(history[10], { key: 'loss', value: 1 / 11, timestamp: 1_700_000_000_010, step: 10 });
  const got = await client.getRun(runId);
  assert.equal(Object.keys(fromKeyValues(got.data.params)).length, 151);
  assert.equal(fromKeyValues(got.data.tags).phase, 'done');
  assert.deepEqual(got.data.metrics?.find((m) => m.key === 'rps'), { key: 'rps', value: 0.199, timestamp: got.data.metrics!.find((m) => m.key === 'rps')!.timestamp, step: 2023 });

  // Artifacts: uploaded under the run's root, listed, downloaded through runs:/ and mlflow-artifacts:/.
  const uri = await client.logArtifact(runId, 'reports/eval.json', '{"rps":0.199}');
  assert.equal(uri, `${run.info.artifact_uri}/reports/eval.json`);
  assert.deepEqual(await client.listArtifacts(runId), [{ path: 'reports', is_dir: true }]);
  assert.deepEqual(await client.listArtifacts(runId, 'reports'), [{ path: 'reports/eval.json', is_dir: false, file_size: 13 }]);
  assert.equal(new TextDecoder().decode(await client.downloadArtifact(`runs:/${runId}/reports/eval.json`)), '{"rps":0.199}');
  assert.equal(new TextDecoder().decode(await client.downloadArtifact(uri)), '{"rps":0.199}');
  await client.finishRun(runId);
  assert.equal((await client.getRun(runId)).info.status, 'FINISHED');

  const other = await client.createRun({ experimentId: exp, runName: 'train-dc' });
  await client.logBatch(other.info.run_id, { params: { model: 'dixon-coles' }, metrics: [{ key: 'rps', value: 0.205 }] });
  const found = await client.searchRuns({ experimentIds: [exp], filter: 'metrics.rps < 0.2', orderBy: ['metrics.rps ASC'] });
  assert.deepEqual(found.runs.map((r) => r.info.run_name), ['train-elo']);
  const ranked = await client.searchRuns({ experimentIds: [exp], orderBy: ['metrics.rps DESC'] });
  assert.deepEqual(ranked.runs.map((r) => r.info.run_name), ['train-dc', 'train-elo']);

  // Registry: register with the run, alias, resolve models:/ URIs, load the artifact back.
  const registry = new Registry(client);
  const v1 = await registry.register(artifactFor('elo'), { runId });
  const v2 = await registry.register(artifactFor('dixon-coles'));
  assert.deepEqual([v1.version, v2.version], [1, 2]);
  assert.equal(v1.runId, runId);
  assert.equal(v1.kind, 'elo');
  assert.deepEqual(v1.metrics, { configKey: 'cfg', pooled: { rps: 0.2 } }, 'headline metrics only; the long ones stay in the artifact');
  assert.equal(await registry.byAlias('scenario-model', 'champion'), undefined);
  await registry.setAlias('scenario-model', 'champion', 1);
  assert.equal((await registry.resolve('models:/scenario-model@champion')).version, 1);
  assert.equal((await registry.resolve('models:/scenario-model/2')).kind, 'dixon-coles');
  assert.equal((await registry.resolve('models:/scenario-model/latest')).version, 2);
  const loaded = await registry.loadArtifact(await registry.resolve('models:/scenario-model@champion'));
  assert.deepEqual(loaded, artifactFor('elo'));
  const bytes = await client.downloadArtifact('models:/scenario-model@champion/model.json');
  assert.equal(JSON.parse(new TextDecoder().decode(bytes)).kind, 'elo');
  await registry.setAlias('scenario-model', 'champion', 2);
  assert.deepEqual((await registry.list('scenario-model')).map((v) => [v.version, v.aliases]), [[1, []], [2, ['champion']]]);
  await assert.rejects(registry.resolve('models:/scenario-model@nope'), (e: unknown) => e instanceof MlflowError && e.errorCode === 'INVALID_PARAMETER_VALUE');
}
