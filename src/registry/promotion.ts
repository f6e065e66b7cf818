/**
 * Promotion: the `champion` alias moves to a new version only when it passes the quality gates
 * against the current champion on the same evaluation matches (RPS no worse beyond a tolerance,
 * calibration error within a bound). Every promotion, refusal, manual promotion and rollback is
 * recorded in the versions' tags with its reason, so the registry tells the whole story.
 */
import type { Warehouse } from '../warehouse/db.ts';
import type { ModelSpec } from '../ml/models/model.ts';
import { modelSpec, type ModelHyper } from '../ml/index.ts';
import { stableJson } from '../domain/stable-json.ts';
import { sameSpec, scoreOnSameMatches, type GateScores } from './gate-evaluation.ts';
import { CHAMPION, type ModelVersion, type Registry } from './registry.ts';

export interface GatePolicy {
  /** How much worse (higher) than the champion's RPS a candidate's may be. */
  rpsTolerance: number;
  /** Largest calibration error a champion may have. */
  calibrationBound: number;
}

export interface Decision {
  promote: boolean;
  reason: string;
}

export const PROMOTION_TAGS = {
  decision: 'time2bet.promotion', // promoted | refused | manual | restored
  reason: 'time2bet.promotion.reason',
  at: 'time2bet.promotion.at',
  previous: 'time2bet.promotion.previous_champion',
  gate: 'time2bet.promotion.gate',
  demoted: 'time2bet.demoted',
} as const;

const f4 = (x: number) => x.toFixed(4);

/** The gate itself. Pure. */
export function decide(candidate: GateScores, champion: { version: number; scores: GateScores } | undefined, policy: GatePolicy): Decision {
  const scored = candidate.matches > 0 && Number.isFinite(candidate.rps);
  if (!scored && !champion) return { promote: true, reason: 'no champion yet (and no evaluation matches to score the candidate on)' };
  if (!scored) return { promote: false, reason: `no evaluation matches: the candidate could not be scored; champion v${champion!.version} stays` };
  const calibration = `calibration error ${f4(candidate.calibration)}`;
  const calibrated = candidate.calibration <= policy.calibrationBound;
  if (!champion) {
    // Nothing to compare with, and something must serve: the first version is promoted, noting any miss.
    const note = calibrated ? `${calibration} ≤ ${policy.calibrationBound}` : `${calibration} exceeds the bound ${policy.calibrationBound}, but there is nothing to keep instead`;
    return { promote: true, reason: `no champion yet; RPS ${f4(candidate.rps)}, ${note}, on ${candidate.matches} matches` };
  }
  const c = champion.scores;
  if (c.matches !== candidate.matches) {
    return { promote: false, reason: `not comparable: candidate scored on ${candidate.matches} matches, champion v${champion.version} on ${c.matches}` };
  }
  const diff = candidate.rps - c.rps;
  const failures: string[] = [];
  if (diff > policy.rpsTolerance) {
    failures.push(`RPS ${f4(candidate.rps)} is worse than champion v${champion.version}'s ${f4(c.rps)} by ${f4(diff)} (tolerance ${policy.rpsTolerance}) on the same ${c.matches} matches`);
  }
  if (!calibrated) failures.push(`${calibration} exceeds the bound ${policy.calibrationBound} (on ${candidate.matches} matches)`);
  if (failures.length) return { promote: false, reason: `${failures.join('; ')}; champion v${champion.version} stays` };
  return {
    promote: true,
    reason: `RPS ${f4(candidate.rps)} vs champion v${champion.version}'s ${f4(c.rps)} (${diff <= 0 ? 'better or equal' : `within tolerance ${policy.rpsTolerance}`}), ${calibration} ≤ ${policy.calibrationBound}, on the same ${c.matches} matches`,
  };
}

export interface PromotionOutcome {
  decision: Decision;
  /** The champion after the decision. */
  champion: ModelVersion;
  /** The champion before it (undefined for the first). */
  previous?: ModelVersion;
}

async function record(registry: Registry, v: ModelVersion, tags: Record<string, string>, runId?: string): Promise<void> {
  await registry.setTags(v.name, v.version, tags);
  if (runId) {
    await registry.client.setTag(runId, PROMOTION_TAGS.decision, tags[PROMOTION_TAGS.decision]!);
    await registry.client.setTag(runId, PROMOTION_TAGS.reason, tags[PROMOTION_TAGS.reason]!.slice(0, 5000));
  }
}

/** The spec that reproduces a registered version (its kind with its hyper-parameters). */
export function specOfVersion(kind: string, hyper: Record<string, unknown>): ModelSpec<any> {
  return modelSpec(kind, { [kind]: hyper } as ModelHyper);
}

/** Evaluate the candidate against the champion on the same matches, then promote or refuse (recorded either way). */
export async function gateAndPromote(opts: {
  registry: Registry;
  wh: Warehouse;
  candidate: ModelVersion;
  candidateSpec: ModelSpec<any>;
  seasons: readonly { league: string; season: string }[];
  refitDays: number;
  policy: GatePolicy;
  at: Date;
  runId?: string;
}): Promise<PromotionOutcome> {
  const { registry, candidate } = opts;
  const current = await registry.byAlias(candidate.name, CHAMPION);
  let scores: { candidate: GateScores; champion?: GateScores };
  let championSpec: ModelSpec<any> | undefined;
  if (current && current.version !== candidate.version) {
    try {
      const artifact = await registry.loadArtifact(current);
      championSpec = specOfVersion(artifact.kind, artifact.hyper);
    } catch (e) {
      const decision = { promote: false, reason: `champion v${current.version} cannot be re-evaluated (${(e as Error).message}); promote by hand if this version should serve` };
      await record(registry, candidate, { [PROMOTION_TAGS.decision]: 'refused', [PROMOTION_TAGS.reason]: decision.reason, [PROMOTION_TAGS.at]: opts.at.toISOString() }, opts.runId);
      return { decision, champion: current, previous: current };
    }
  }
  if (championSpec && !sameSpec(championSpec, opts.candidateSpec)) {
    const s = await scoreOnSameMatches(opts.wh, opts.seasons, { candidate: opts.candidateSpec, champion: championSpec }, opts.refitDays);
    scores = { candidate: s.candidate!, champion: s.champion! };
  } else {
    const s = await scoreOnSameMatches(opts.wh, opts.seasons, { candidate: opts.candidateSpec }, opts.refitDays);
    scores = { candidate: s.candidate!, ...(championSpec ? { champion: s.candidate! } : {}) };
  }
  const champion = current && scores.champion ? { version: current.version, scores: scores.champion } : undefined;
  const decision = decide(scores.candidate, champion, opts.policy);
  const tags: Record<string, string> = {
    [PROMOTION_TAGS.decision]: decision.promote ? 'promoted' : 'refused',
    [PROMOTION_TAGS.reason]: decision.reason,
    [PROMOTION_TAGS.at]: opts.at.toISOString(),
    [PROMOTION_TAGS.gate]: stableJson({ ...scores, championVersion: champion?.version ?? null, policy: opts.policy, seasons: opts.seasons }).slice(0, 5000),
  };
  if (decision.promote && current && current.version !== candidate.version) tags[PROMOTION_TAGS.previous] = String(current.version);
  await record(registry, candidate, tags, opts.runId);
  if (!decision.promote) return { decision, champion: current!, previous: current };
  await registry.setAlias(candidate.name, CHAMPION, candidate.version);
  return { decision, champion: await registry.get(candidate.name, candidate.version), previous: current };
}

/** Make a version champion by hand (the operator's decision, recorded with their reason). */
export async function promoteManually(registry: Registry, name: string, version: number, reason: string, at: Date): Promise<PromotionOutcome> {
  const target = await registry.get(name, version);
  const current = await registry.byAlias(name, CHAMPION);
  const decision = { promote: true, reason: `manual promotion: ${reason}` };
  if (current?.version === version) return { decision: { promote: false, reason: `v${version} is already the champion` }, champion: current, previous: current };
  await record(registry, target, {
    [PROMOTION_TAGS.decision]: 'manual',
    [PROMOTION_TAGS.reason]: decision.reason,
    [PROMOTION_TAGS.at]: at.toISOString(),
    ...(current ? { [PROMOTION_TAGS.previous]: String(current.version) } : {}),
  });
  await registry.setAlias(name, CHAMPION, version);
  return { decision, champion: await registry.get(name, version), previous: current };
}

/** Move the champion back: to `to`, or to the version it replaced. Both versions record it. */
export async function rollback(registry: Registry, name: string, opts: { to?: number; reason: string; at: Date }): Promise<PromotionOutcome> {
  const current = await registry.byAlias(name, CHAMPION);
  if (!current) throw new Error(`model ${name} has no champion to roll back`);
  const to = opts.to ?? Number(current.tags[PROMOTION_TAGS.previous]);
  if (!Number.isInteger(to) || to < 1) {
    throw new Error(`champion ${name} v${current.version} records no previous champion; say which version with --to <version>`);
  }
  if (to === current.version) throw new Error(`v${to} is already the champion`);
  const target = await registry.get(name, to);
  const at = opts.at.toISOString();
  await registry.setAlias(name, CHAMPION, to);
  await registry.setTags(name, current.version, { [PROMOTION_TAGS.demoted]: `rolled back to v${to} at ${at}: ${opts.reason}` });
  await registry.setTags(name, to, {
    [PROMOTION_TAGS.decision]: 'restored',
    [PROMOTION_TAGS.reason]: `rollback from v${current.version}: ${opts.reason}`,
    [PROMOTION_TAGS.at]: at,
  });
  return { decision: { promote: true, reason: `rollback from v${current.version}: ${opts.reason}` }, champion: await registry.get(name, target.version), previous: current };
}
