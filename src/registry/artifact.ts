/**
 * A model artifact: a versioned JSON document (kind, schema version, parameters per league,
 * training-data fingerprint, feature specification, metrics). Its bytes are deterministic:
 * no timestamps inside, keys in a fixed order, so the same data and config give the same hash.
 */
import { createHash } from 'node:crypto';
import { stableJson } from '../domain/stable-json.ts';

export const ARTIFACT_SCHEMA = 'time2bet.model/v1';

export interface ModelArtifact {
  schema: typeof ARTIFACT_SCHEMA;
  /** Registered model name. */
  name: string;
  /** Model kind (spec name): `elo`, `dixon-coles`, … */
  kind: string;
  hyper: Record<string, unknown>;
  /** Per league: the fit as of the day after its last match. */
  leagues: Record<string, { asOfDay: number; trainingMatches: number; params: Record<string, unknown> }>;
  /** Canonical team name → league it last played in. */
  teams: Record<string, string>;
  trainingData: { fingerprint: string; matches: number };
  features: { inputs: string[]; description: string };
  metrics: Record<string, unknown>;
}

export function serialiseArtifact(a: ModelArtifact): { bytes: string; sha256: string } {
  const bytes = stableJson(a);
  return { bytes, sha256: createHash('sha256').update(bytes).digest('hex') };
}

export function parseArtifact(text: string, where: string): ModelArtifact {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (e) {
    throw new Error(`model artifact ${where} is not valid JSON: ${(e as Error).message}`);
  }
  const a = v as Partial<ModelArtifact>;
  if (a?.schema !== ARTIFACT_SCHEMA) throw new Error(`model artifact ${where}: expected schema "${ARTIFACT_SCHEMA}", found ${JSON.stringify(a?.schema)}`);
  if (typeof a.kind !== 'string' || typeof a.leagues !== 'object' || typeof a.teams !== 'object') {
    throw new Error(`model artifact ${where}: missing kind, leagues or teams`);
  }
  return a as ModelArtifact;
}
