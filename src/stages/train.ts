/**
 * Train stage: fit every model on each league's full history (as of the day after its last
 * finished match) and package each model kind as one artifact covering all leagues.
 */
import type { Warehouse } from '../warehouse/db.ts';
import { leagueMatches, leagueSeasons, dataFingerprint } from '../warehouse/queries.ts';
import type { ModelSpec, TrainingMatch } from '../ml/models/model.ts';
import { ARTIFACT_SCHEMA, type ModelArtifact } from '../registry/artifact.ts';
import { trainingContext, trainingMatchesByLeague } from './backtest.ts';

export const REGISTERED_MODEL = 'time2bet';

export async function trainAll(
  wh: Warehouse,
  specs: readonly ModelSpec<any>[],
  metricsByModel: Record<string, Record<string, unknown>>,
  opts: {
    onLeague?: (league: string, i: number, n: number) => void;
    /** Every league's finished matches (trainingMatchesByLeague), when the caller has read them already. */
    matches?: Map<string, TrainingMatch[]>;
  } = {},
): Promise<ModelArtifact[]> {
  const leagues = Object.keys(await leagueSeasons(wh.db));
  const fingerprint = await dataFingerprint(wh.db);
  const artifacts = new Map<string, ModelArtifact>();
  const lastSeen = new Map<string, { league: string; day: number }>();
  for (const s of specs) {
    artifacts.set(s.name, {
      schema: ARTIFACT_SCHEMA,
      name: REGISTERED_MODEL,
      kind: s.name,
      hyper: { ...s.hyper },
      leagues: {},
      teams: {},
      trainingData: { fingerprint, matches: 0 },
      features: {
        inputs: ['league', 'home', 'away'],
        description: s.usesFeatures || s.inputs
          ? 'results-only: point-in-time features (ratings, Dixon-Coles, shots-on-target rates, form, rest, league, newcomers) of each team’s league history up to the fit day, computed at serving time by the same feature function (no market data)'
          : 'results-only: each team’s match history in its league up to the fit day (no market data)',
      },
      metrics: metricsByModel[s.name] ?? {},
    });
  }
  const byLeague = opts.matches ?? (await trainingMatchesByLeague(wh));
  for (const [i, league] of leagues.entries()) {
    opts.onLeague?.(league, i, leagues.length);
    const matches = await leagueMatches(wh.db, league);
    const finished: TrainingMatch[] = byLeague.get(league) ?? [];
    if (finished.length === 0) continue;
    const asOfDay = finished[finished.length - 1]!.day + 1;
    for (const m of matches) {
      for (const t of [m.home, m.away]) {
        const seen = lastSeen.get(t);
        if (!seen || m.day >= seen.day) lastSeen.set(t, { league, day: m.day });
      }
    }
    for (const s of specs) {
      const fit = s.fit(finished, asOfDay, undefined, trainingContext(byLeague, league));
      const a = artifacts.get(s.name)!;
      a.leagues[league] = { asOfDay, trainingMatches: finished.length, params: fit.toJSON() };
      a.trainingData.matches += finished.length;
    }
  }
  // A team belongs to the league of its most recent match.
  const teams = Object.fromEntries([...lastSeen].sort((x, y) => x[0].localeCompare(y[0])).map(([t, v]) => [t, v.league]));
  for (const a of artifacts.values()) a.teams = teams;
  return [...artifacts.values()];
}
