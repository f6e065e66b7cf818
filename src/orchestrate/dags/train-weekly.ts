/**
 * `train_weekly`: every Sunday 00:00 UTC, evaluate → train → register → promote.
 *
 *   evaluate — walk forward through the latest season of each league (backtest stage) for
 *              every model spec, scored next to the market; picks the best model by pooled RPS.
 *              Skips the rest of the run when the champion was trained on the same data and
 *              configuration (nothing new to learn).
 *   train    — fit the best model on all data (train stage); the artifact goes to the lake
 *              under this run's key, so a retry overwrites it.
 *   register — record it as a new model version (idempotent: a retry finds the version this
 *              run registered already).
 *   promote  — move @champion to it if the gates pass, else end as skipped with the reasons.
 *
 * Gates (see promotionGates): enough evaluated matches, RPS within a margin of the bookmakers'
 * closing market, and no regression against the champion when it was evaluated on the same
 * league-seasons.
 */
import { dataFingerprint } from '../../warehouse/queries.ts';
import { modelSpecs, selectModelSpecs } from '../../ml/index.ts';
import { poolReports, type EvaluationReport } from '../../ml/evaluate.ts';
import { Registry } from '../../tracking/registry.ts';
import { parseArtifact, serialiseArtifact, stableStringify } from '../../tracking/artifact.ts';
import type { ModelSpec } from '../../ml/model.ts';
import { evaluationSeasons } from '../pipeline.ts';
import { backtestSeason, matchesByLeague, type BacktestResult } from '../stages/backtest.ts';
import { REGISTERED_MODEL, trainAll } from '../stages/train.ts';
import { defineDag } from '../dag/define.ts';

/** Promotion thresholds. */
export const GATES = { minMatches: 100, maxRpsGapToMarket: 0.02, regressionTolerance: 0.0005 };

/** Same key as the start pipeline's, so either path recognises a champion trained on the same configuration. */
function configKey(specs: readonly ModelSpec<any>[], refitDays: number): string {
  return stableStringify({ specs: specs.map((s) => ({ name: s.name, hyper: s.hyper })), refitDays });
}

interface Evaluated {
  fingerprint: string;
  configKey: string;
  best: string;
  evaluation: EvaluationReport;
  perLeague: BacktestResult[];
}

export interface Gate {
  name: string;
  passed: boolean;
  detail: string;
}

export function promotionGates(e: Pick<Evaluated, 'best' | 'evaluation' | 'perLeague'>, champion?: { metrics: Record<string, unknown> }): Gate[] {
  const cand = e.evaluation.models[e.best]!;
  const gap = cand.rps - e.evaluation.market.rps;
  const gates: Gate[] = [
    { name: 'enough_matches', passed: e.evaluation.matches >= GATES.minMatches, detail: `${e.evaluation.matches} evaluated matches (need ${GATES.minMatches})` },
    { name: 'near_market', passed: gap <= GATES.maxRpsGapToMarket, detail: `RPS ${cand.rps.toFixed(4)} vs market ${e.evaluation.market.rps.toFixed(4)} (gap ${gap.toFixed(4)}, max ${GATES.maxRpsGapToMarket})` },
  ];
  const seasonsOf = (p: unknown) => stableStringify(((p as BacktestResult[] | undefined) ?? []).map((r) => [r.league, r.season, r.matches]));
  const champRps = (champion?.metrics.pooled as { rps?: number } | undefined)?.rps;
  if (champion && champRps !== undefined && seasonsOf(champion.metrics.perLeague) === seasonsOf(e.perLeague)) {
    gates.push({ name: 'no_regression', passed: cand.rps <= champRps + GATES.regressionTolerance, detail: `RPS ${cand.rps.toFixed(4)} vs champion ${champRps.toFixed(4)} on the same matches` });
  } else {
    gates.push({ name: 'no_regression', passed: true, detail: champion ? 'champion was evaluated on other matches; not comparable' : 'no champion yet' });
  }
  return gates;
}

const runKey = (runId: string) => runId.replace(/[^A-Za-z0-9._=@+-]/g, '_');

export const trainWeekly = defineDag({
  id: 'train_weekly',
  description: 'evaluate the models walk-forward, train the best, register it, promote it if the gates pass',
  schedule: '@weekly',
  startDate: new Date('2024-01-07T00:00:00Z'),
  catchup: false,
  maxActiveRuns: 1,
  defaults: { retries: 1, retryDelayMs: 5 * 60_000, retryExponentialBackoff: true },
  tasks: [
    {
      id: 'evaluate',
      executionTimeoutMs: 4 * 3600_000,
      async run(ctx): Promise<Evaluated> {
        const specs = selectModelSpecs(ctx.cfg.models.split(','), {}, { tune: false });
        const fingerprint = await dataFingerprint(ctx.wh.db);
        const key = configKey(specs, ctx.cfg.refitDays);
        const registry = new Registry(ctx.wh, ctx.lake);
        const current = await registry.byAlias(REGISTERED_MODEL, 'champion');
        const readable = async () => registry.loadArtifact(current!).then(() => true, () => false);
        if (current && current.dataFingerprint === fingerprint && current.metrics.configKey === key && (await readable())) {
          ctx.skip(`champion ${REGISTERED_MODEL} v${current.version} was trained on the same data and configuration`);
        }
        const targets = await evaluationSeasons(ctx.wh);
        if (!targets.length) throw new Error('the warehouse holds no finished season to evaluate on; run ingest_daily first');
        const perLeague: BacktestResult[] = [];
        const matches = await matchesByLeague(ctx.wh);
        for (const t of targets) {
          if (ctx.signal.aborted) throw ctx.signal.reason;
          const r = await backtestSeason(ctx.wh, { ...t, specs, refitDays: ctx.cfg.refitDays, matches });
          ctx.log(`${t.league} ${t.season}: ${r.matches} matches; ${Object.entries(r.models).map(([m, s]) => `${m} RPS ${s.rps.toFixed(4)}`).join(', ')}; market ${r.market.rps.toFixed(4)}`);
          perLeague.push(r);
        }
        const evaluation = poolReports(perLeague);
        const best = Object.entries(evaluation.models).sort((a, b) => a[1].rps - b[1].rps)[0]![0];
        ctx.log(`best: ${best} (pooled RPS ${evaluation.models[best]!.rps.toFixed(4)}, market ${evaluation.market.rps.toFixed(4)})`);
        return { fingerprint, configKey: key, best, evaluation, perLeague };
      },
    },
    {
      id: 'train',
      deps: ['evaluate'],
      executionTimeoutMs: 2 * 3600_000,
      async run(ctx) {
        const e = (await ctx.pull<Evaluated>('evaluate'))!;
        const spec = modelSpecs().find((s) => s.name === e.best);
        if (!spec) throw new Error(`model "${e.best}" chosen by evaluate is no longer defined`);
        const metrics = { configKey: e.configKey, evaluation: e.evaluation, perLeague: e.perLeague, pooled: e.evaluation.models[e.best], marketPooled: e.evaluation.market, dagRun: `${ctx.dagId}/${ctx.runId}` };
        const [artifact] = await trainAll(ctx.wh, [spec], { [e.best]: metrics }, (league, i, n) => ctx.log(`fit ${e.best} ${league} (${i + 1}/${n})`));
        const key = `orchestration/${ctx.dagId}/${runKey(ctx.runId)}/${e.best}.json`;
        await ctx.lake.put(key, serialiseArtifact(artifact!).bytes);
        ctx.log(`artifact ${key} (${artifact!.trainingData.matches} training matches)`);
        return { artifactKey: key, kind: e.best };
      },
    },
    {
      id: 'register',
      deps: ['train'],
      async run(ctx) {
        const t = (await ctx.pull<{ artifactKey: string; kind: string }>('train'))!;
        const bytes = await ctx.lake.get(t.artifactKey);
        if (!bytes) throw new Error(`artifact ${t.artifactKey} is missing from the lake (${ctx.lake.location}); clear train to rebuild it`);
        const artifact = parseArtifact(new TextDecoder().decode(bytes), t.artifactKey);
        const registry = new Registry(ctx.wh, ctx.lake);
        const tag = `${ctx.dagId}/${ctx.runId}`;
        const previous = (await registry.list(REGISTERED_MODEL)).find((v) => v.metrics.dagRun === tag && v.dataFingerprint === artifact.trainingData.fingerprint && v.kind === artifact.kind);
        const version = previous ?? (await registry.register(artifact));
        ctx.log(`${previous ? 'already registered' : 'registered'} ${REGISTERED_MODEL} v${version.version} (${version.kind})`);
        return { version: version.version, kind: version.kind };
      },
    },
    {
      id: 'promote',
      deps: ['register'],
      async run(ctx) {
        const e = (await ctx.pull<Evaluated>('evaluate'))!;
        const r = (await ctx.pull<{ version: number }>('register'))!;
        const registry = new Registry(ctx.wh, ctx.lake);
        const champion = await registry.byAlias(REGISTERED_MODEL, 'champion');
        if (champion?.version === r.version) return { champion: r.version, gates: [] };
        // The champion's full evaluation is in its artifact (the version only keeps headline metrics).
        const champArtifact = champion ? await registry.loadArtifact(champion).catch(() => undefined) : undefined;
        const gates = promotionGates(e, champArtifact ?? champion);
        for (const g of gates) ctx.log(`gate ${g.name}: ${g.passed ? 'pass' : 'FAIL'} (${g.detail})`);
        const failed = gates.filter((g) => !g.passed);
        if (failed.length) ctx.skip(`v${r.version} not promoted: ${failed.map((g) => `${g.name} (${g.detail})`).join('; ')}`);
        await registry.setAlias(REGISTERED_MODEL, 'champion', r.version);
        ctx.log(`${REGISTERED_MODEL} v${r.version} is now @champion${champion ? ` (was v${champion.version})` : ''}`);
        return { champion: r.version, previous: champion?.version ?? null, gates };
      },
    },
  ],
});
