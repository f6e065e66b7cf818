/**
 * `time2bet stage <name>`: the pipeline's stages as file-in, file-out verbs for dvc.yaml.
 * ingest loads CSVs into the configured warehouse and writes a receipt; features, train and
 * evaluate read only a snapshot folder (restored into an in-memory warehouse), so their
 * outputs depend on nothing but their declared deps and params; register logs the training run
 * of the best model in the configured registry (MLFLOW_TRACKING_URI, else the built-in one),
 * registers it and lets the quality gates decide on @champion, then writes a receipt. Each verb
 * is a thin driver over src/stages/.
 */
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Command } from 'commander';
import type { Config } from '../config.ts';
import { openConfiguredWarehouse } from '../warehouse/open.ts';
import type { Warehouse } from '../warehouse/db.ts';
import { dataFingerprint } from '../warehouse/queries.ts';
import { modelSpecs, type ModelHyper, type ModelSpec } from '../ml/index.ts';
import type { EvaluationReport } from '../ml/evaluation/evaluate.ts';
import { ingestFolder } from '../stages/ingest.ts';
import { evaluateLatest } from '../stages/evaluate.ts';
import { buildFeatureTableOf, featureConfigFromParams } from '../stages/features.ts';
import { registerBest } from '../stages/register.ts';
import { REGISTERED_MODEL, trainAll } from '../stages/train.ts';
import type { BacktestResult } from '../stages/backtest.ts';
import { parseArtifact, serialiseArtifact } from '../registry/artifact.ts';
import { CHAMPION, Registry } from '../registry/registry.ts';
import { trackingClientFor } from '../tracking/open.ts';
import { openLake } from '../lake/open.ts';
import { paramValue, readParamsFile } from '../lake/dvc/lock.ts';
import { restoreSnapshot } from '../lake/snapshot/restore.ts';
import { stableJson, STABLE_JSON_FILE } from '../domain/stable-json.ts';
import { MANIFEST_FILE, type SnapshotManifest } from '../lake/snapshot/snapshot.ts';
import { toParquet } from '../lake/snapshot/parquet.ts';
import { cliHooks } from './pipeline.ts';
import { say } from './progress.ts';

/** A section of the params file (`{}` when the file or the section is absent). */
export async function paramsSection(file: string | undefined, section: string): Promise<Record<string, unknown>> {
  if (!file) return {};
  const doc = await readParamsFile(path.resolve(file));
  const v = doc === undefined ? undefined : paramValue(doc, section);
  if (v === undefined) return {};
  if (!v || typeof v !== 'object' || Array.isArray(v)) throw new Error(`${file}: "${section}" must be a mapping`);
  return v as Record<string, unknown>;
}

/** Model specs from params `train:` — `models: [elo, dixon-coles]` and per-model hyper-parameters. */
export function specsFromParams(train: Record<string, unknown>): ModelSpec<any>[] {
  const { models, ...hyper } = train;
  const all = modelSpecs(hyper as ModelHyper);
  if (models === undefined) return all;
  if (!Array.isArray(models) || models.length === 0) throw new Error('params train.models: expected a non-empty list of model names');
  for (const m of models) if (!all.some((s) => s.name === m)) throw new Error(`params train.models: unknown model "${m}"; known: ${all.map((s) => s.name).join(', ')}`);
  return all.filter((s) => models.includes(s.name));
}

async function withWarehouse<T>(cfg: Config, fn: (wh: Warehouse) => Promise<T>): Promise<T> {
  const wh = await openConfiguredWarehouse(cfg);
  try {
    return await fn(wh);
  } finally {
    await wh.close();
  }
}

/** features, train and evaluate on a snapshot of an empty warehouse would write results of nothing. */
function requireMatches(manifest: SnapshotManifest, dir: string): void {
  const matches = manifest.tables?.find((t) => t.name === 'matches')?.rows ?? 0;
  if (matches === 0) throw new Error(`snapshot ${dir} holds no matches: it was taken of an empty warehouse; nothing to fit or evaluate`);
}

async function withSnapshot<T>(dir: string, fn: (wh: Warehouse) => Promise<T>): Promise<T> {
  requireMatches(JSON.parse(await readFile(path.join(path.resolve(dir), MANIFEST_FILE), 'utf8')) as SnapshotManifest, dir);
  const wh = await restoreSnapshot(path.resolve(dir));
  try {
    return await fn(wh);
  } finally {
    await wh.close();
  }
}

async function writeOut(file: string, body: string | Uint8Array): Promise<void> {
  await mkdir(path.dirname(path.resolve(file)), { recursive: true });
  await writeFile(file, body);
}

const PARAMS_OPT = ['--params <file>', 'params file (YAML/JSON)', 'params.yaml'] as const;

export function registerStageCommands(program: Command, cfg: () => Config): void {
  const stage = program.command('stage').description('pipeline stages as file-in, file-out verbs (the cmds of dvc.yaml)');

  stage
    .command('ingest')
    .description('load a folder of football-data CSVs into the warehouse; write a receipt (files, checksums, data fingerprint)')
    .requiredOption('--from <folder>', 'folder of CSVs')
    .requiredOption('--out <file>', 'receipt JSON to write')
    .action(async (o: { from: string; out: string }) =>
      withWarehouse(cfg(), async (wh) => {
        const from = path.resolve(o.from);
        const { results } = await ingestFolder(wh, from, { onProgress: cliHooks().onProgress });
        const files = results.map((r) => ({ file: path.relative(from, r.file).split(path.sep).join('/'), checksum: r.checksum, rows: r.rows }));
        await writeOut(o.out, stableJson({ source: 'football-data', files, warehouse: { fingerprint: await dataFingerprint(wh.db) } }, STABLE_JSON_FILE));
        say(`stage ingest: ${results.length} files (${results.filter((r) => r.status === 'loaded').length} loaded) → ${o.out}`);
      }),
    );

  stage
    .command('features')
    .description("compute the point-in-time feature table the models train on (src/ml/features/) from a snapshot (params `features:`)")
    .requiredOption('--snapshot <dir>', 'snapshot folder')
    .requiredOption('--out <file>', 'Parquet file to write')
    .option(...PARAMS_OPT)
    .action(async (o: { snapshot: string; out: string; params?: string }) => {
      const features = featureConfigFromParams(await paramsSection(o.params, 'features'));
      const table = await withSnapshot(o.snapshot, (wh) => buildFeatureTableOf(wh, features, cliHooks()));
      await writeOut(o.out, toParquet(table));
      say(`stage features: ${table.rows.length} rows → ${o.out}`);
    });

  stage
    .command('train')
    .description('fit the models (params `train:`) on a snapshot; write one artifact per model into a folder')
    .requiredOption('--snapshot <dir>', 'snapshot folder')
    .requiredOption('--out <dir>', 'folder for <model>.json artifacts (replaced)')
    .option(...PARAMS_OPT)
    .action(async (o: { snapshot: string; out: string; params?: string }) => {
      const specs = specsFromParams(await paramsSection(o.params, 'train'));
      const artifacts = await withSnapshot(o.snapshot, (wh) => trainAll(wh, specs, {}));
      await rm(o.out, { recursive: true, force: true });
      for (const a of artifacts) await writeOut(path.join(o.out, `${a.kind}.json`), serialiseArtifact(a).bytes);
      say(`stage train: ${artifacts.map((a) => `${a.kind} (sha256 ${serialiseArtifact(a).sha256.slice(0, 12)})`).join(', ')} → ${o.out}`);
    });

  stage
    .command('evaluate')
    .description("walk-forward evaluation of the models (params `train:`, `evaluate:`) on each league's latest season; write metrics JSON")
    .requiredOption('--snapshot <dir>', 'snapshot folder')
    .requiredOption('--out <file>', 'metrics JSON to write')
    .option(...PARAMS_OPT)
    .action(async (o: { snapshot: string; out: string; params?: string }) => {
      const specs = specsFromParams(await paramsSection(o.params, 'train'));
      const ev = await paramsSection(o.params, 'evaluate');
      const refitDays = refitDaysFromParams(ev, cfg());
      const { evaluation: pooled, perLeague } = await withSnapshot(o.snapshot, (wh) => evaluateLatest(wh, specs, refitDays, cliHooks()));
      await writeOut(o.out, stableJson({ pooled, perLeague }, STABLE_JSON_FILE));
      say(`stage evaluate: ${pooled.matches} matches; ${Object.entries(pooled.models).map(([n, s]) => `${n} RPS ${s.rps.toFixed(4)}`).join(', ')}; market ${pooled.market.rps.toFixed(4)} → ${o.out}`);
    });

  stage
    .command('register')
    .description('log the training run of the model with the best pooled RPS, register it and let the quality gates decide on @champion (on the snapshot\'s evaluation seasons); write a receipt')
    .requiredOption('--snapshot <dir>', 'snapshot folder (the gates score candidate and champion on its matches)')
    .requiredOption('--models <dir>', 'folder of <model>.json artifacts')
    .requiredOption('--metrics <file>', 'metrics JSON written by `stage evaluate`')
    .requiredOption('--out <file>', 'receipt JSON to write')
    .option(...PARAMS_OPT)
    .action(async (o: { snapshot: string; models: string; metrics: string; out: string; params?: string }) => {
      const specs = specsFromParams(await paramsSection(o.params, 'train'));
      const c = { ...cfg(), refitDays: refitDaysFromParams(await paramsSection(o.params, 'evaluate'), cfg()) };
      const metrics = JSON.parse(await readFile(o.metrics, 'utf8')) as { pooled: EvaluationReport; perLeague: BacktestResult[] };
      const artifactOf = async (kind: string) => {
        const file = path.join(o.models, `${kind}.json`);
        const text = await readFile(file, 'utf8').catch(() => undefined);
        return text === undefined ? undefined : parseArtifact(text, file);
      };
      const lake = openLake(c);
      const r = await withWarehouse(c, (wh) =>
        withSnapshot(o.snapshot, async (evaluationWh) => {
          const registry = new Registry(trackingClientFor(c, wh, lake));
          return registerBest({ cfg: c, wh: evaluationWh, registry, specs, metrics, artifactOf });
        }),
      ).catch((e: Error) => {
        throw new Error(`stage register: ${e.message}`);
      });
      const state = r.decision.promote ? `is @${CHAMPION}` : `not promoted; champion stays v${r.champion?.version ?? '(none)'}`;
      say(`stage register: ${REGISTERED_MODEL} v${r.version.version} (${r.kind}) ${state}: ${r.decision.reason}${r.registered ? '' : ' (decided earlier)'}`);
      // The receipt holds no version number, location or decision (they depend on the registry's
      // history, not on this stage's inputs): the same inputs give the same bytes.
      await writeOut(o.out, stableJson({ name: REGISTERED_MODEL, kind: r.kind, sha256: r.sha256, rps: r.rps }, STABLE_JSON_FILE));
    });
}

/** params `evaluate.refit_days`, else the configured TIME2BET_REFIT_DAYS. */
function refitDaysFromParams(ev: Record<string, unknown>, c: Config): number {
  const refitDays = ev.refit_days ?? c.refitDays;
  if (!Number.isInteger(refitDays) || (refitDays as number) < 1) throw new Error(`params evaluate.refit_days: expected a whole number ≥ 1, got ${JSON.stringify(refitDays)}`);
  return refitDays as number;
}
