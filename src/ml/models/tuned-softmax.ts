/**
 * What the fitted softmax regressions over training rows (softmax-model.ts, stacking.ts)
 * share: the final fit on the rows before the fit day, time-decayed, with the L2 strength
 * chosen at the season cut-off (l2-choice.ts), and the fitted model's parameters, L2 choice and
 * row cache (kept for the next refit of a walk-forward) with their JSON.
 */
import { designMatrix, fitSoftmax, type SoftmaxParams } from './softmax-regression.ts';
import { l2ChoiceToJSON, type L2Choice } from './l2-choice.ts';
import { offsetsOf, type RowCache, type TrainingRow } from './training-rows.ts';

/**
 * Fit on `rows`, each weighted by exp(−xi·days before asOfDay), warm-started from `start`;
 * market-offset models use the rows' offsets and penalise the intercepts.
 */
export function fitTrainingRows(
  names: readonly string[],
  rows: readonly TrainingRow[],
  asOfDay: number,
  hyper: { xi: number },
  l2: number,
  market: boolean,
  start?: SoftmaxParams,
): SoftmaxParams {
  const m = designMatrix(rows.map((r) => r.x), names.length);
  return fitSoftmax(names, m, rows.map((r) => r.y), {
    l2,
    weights: rows.map((r) => Math.exp(-hyper.xi * (asOfDay - r.day))),
    start,
    offset: offsetsOf(rows),
    penalizeIntercept: market,
    gradientTolerance: 1e-6,
  });
}

/** The fitted regression's parameters, its L2 choice and (not serialised) its training rows. */
export interface TunedSoftmaxCore {
  params: SoftmaxParams;
  choice: L2Choice;
  cache?: RowCache;
}

/** Base of the fitted softmax models: what the next refit reuses, and the JSON of the fit. */
export abstract class TunedSoftmaxFit {
  readonly #core: TunedSoftmaxCore;

  protected constructor(core: TunedSoftmaxCore) {
    this.#core = core;
  }

  get params(): SoftmaxParams {
    return this.#core.params;
  }

  get l2Choice(): L2Choice {
    return this.#core.choice;
  }

  get rowCache(): RowCache | undefined {
    return this.#core.cache;
  }

  /** The `params` and `l2` entries of the model's JSON. */
  protected fitJSON(): { params: SoftmaxParams; l2: ReturnType<typeof l2ChoiceToJSON> } {
    const p = this.#core.params;
    return { params: { names: p.names, mean: p.mean, scale: p.scale, intercept: p.intercept, weights: p.weights }, l2: l2ChoiceToJSON(this.#core.choice) };
  }
}
