/**
 * The serving predictor: the champion artifact turned into fitted models per league, plus
 * team-name resolution through the warehouse's alias table. Everything is prepared at load
 * time; a prediction is a map lookup and a cached model evaluation.
 */
import { closest, distance } from 'fastest-levenshtein';
import type { FittedModel, ModelSpec, Prediction } from '../ml/models/model.ts';
import type { ModelArtifact } from '../registry/artifact.ts';
import { normaliseAlias } from '../domain/team-identity.ts';
import { TEAM_ALIASES } from '../domain/team-aliases.ts';

export class PredictionInputError extends Error {
  override name = 'PredictionInputError';
  constructor(
    message: string,
    readonly field: string,
    readonly suggestions: string[] = [],
  ) {
    super(message);
  }
}

export interface PredictorResult {
  league: string;
  home: string;
  away: string;
  prediction: Prediction;
}

export class Predictor {
  readonly #fits = new Map<string, FittedModel>();
  readonly #cache = new Map<string, PredictorResult>();
  readonly #names: string[];
  private readonly aliases: Map<string, string>;

  constructor(
    readonly artifact: ModelArtifact,
    readonly version: number,
    specs: readonly ModelSpec<any>[],
    /** normalised alias → canonical name (the warehouse's alias table) */
    aliases: Map<string, string>,
  ) {
    // Known spellings first, then the warehouse's own aliases (which win).
    this.aliases = new Map<string, string>();
    for (const [canonical, alternates] of Object.entries(TEAM_ALIASES)) {
      for (const a of [canonical, ...alternates]) this.aliases.set(normaliseAlias(a), canonical);
    }
    for (const [a, c] of aliases) this.aliases.set(a, c);
    const spec = specs.find((s) => s.name === artifact.kind);
    if (!spec) throw new Error(`model kind "${artifact.kind}" is not known to this build; known: ${specs.map((s) => s.name).join(', ')}`);
    for (const [league, l] of Object.entries(artifact.leagues)) this.#fits.set(league, spec.fromJSON(l.params));
    this.#names = Object.keys(artifact.teams).sort();
  }

  get leagues(): string[] {
    return [...this.#fits.keys()].sort();
  }

  teams(): { name: string; league: string }[] {
    return this.#names.map((name) => ({ name, league: this.artifact.teams[name]! }));
  }

  #resolve(input: string, field: 'home' | 'away'): string {
    // Own properties only: "constructor" or "__proto__" must not resolve through Object.prototype.
    const teams = this.artifact.teams;
    const canonical = this.aliases.get(normaliseAlias(input)) ?? (Object.hasOwn(teams, input) ? input : undefined);
    if (canonical !== undefined && Object.hasOwn(teams, canonical) && typeof teams[canonical] === 'string') return canonical;
    const q = input.toLowerCase();
    const ranked = this.#names
      .map((n) => ({ n, d: distance(q, n.toLowerCase()) - (n.toLowerCase().includes(q) || q.includes(n.toLowerCase()) ? 3 : 0) }))
      .sort((a, b) => a.d - b.d || a.n.localeCompare(b.n))
      .slice(0, 3)
      .map((x) => x.n);
    const best = closest(input, this.#names);
    const suggestions = [...new Set([best, ...ranked])].slice(0, 3);
    throw new PredictionInputError(`unknown team "${input}" in field "${field}"; closest known names: ${suggestions.join(', ')}`, field, suggestions);
  }

  /**
   * The fixture's point-in-time feature vector as the serving model computes it (feature-based
   * models only; undefined for the others). `day` is the kick-off day (days since 1970-01-01).
   */
  features(input: { league?: string; home: string; away: string; day?: number }): Float64Array | undefined {
    const r = this.predict({ ...input });
    const fit = this.#fits.get(r.league) as FittedModel & { features?: (home: string, away: string, ctx?: { day?: number }) => Float64Array };
    return typeof fit.features === 'function' ? fit.features(r.home, r.away, { day: input.day }) : undefined;
  }

  predict(input: { league?: string; home: string; away: string; day?: number }): PredictorResult {
    const key = `${input.league ?? ''}\u0000${input.home}\u0000${input.away}\u0000${input.day ?? ''}`;
    const hit = this.#cache.get(key);
    if (hit) return hit;
    const home = this.#resolve(input.home, 'home');
    const away = this.#resolve(input.away, 'away');
    if (home === away) throw new PredictionInputError(`home and away are the same team ("${home}")`, 'away');
    let league = input.league;
    if (league !== undefined) {
      if (!this.#fits.has(league)) throw new PredictionInputError(`unknown league "${league}"; known leagues: ${this.leagues.join(', ')}`, 'league', this.leagues);
    } else {
      const lh = this.artifact.teams[home]!;
      const la = this.artifact.teams[away]!;
      if (lh !== la) {
        throw new PredictionInputError(`"${home}" last played in ${lh} and "${away}" in ${la}; say which league's model to use with "league"`, 'league', [lh, la]);
      }
      league = lh;
    }
    const result: PredictorResult = { league, home, away, prediction: this.#fits.get(league)!.predict(home, away, input.day === undefined ? undefined : { day: input.day }) };
    if (this.#cache.size < 50_000) this.#cache.set(key, result);
    return result;
  }
}
