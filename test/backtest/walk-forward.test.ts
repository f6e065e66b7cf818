import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { walkForward, type TargetMatch } from '../../src/ml/evaluation/walk-forward.ts';
import { modelSpecs } from '../../src/ml/index.ts';
import type { FittedModel, ModelSpec, TrainingMatch } from '../../src/ml/models/model.ts';
import { parseFootballDataCsv } from '../../src/ingest/football-data/parse.ts';
import { isoToDay } from '../../src/domain/types.ts';

function season(file: string): (TrainingMatch & { id: number })[] {
  const p = parseFootballDataCsv(readFileSync(`data/football-data/E0/${file}`, 'utf8'), file);
  return p.matches.map((m, i) => ({ id: isoToDay(m.date) * 1000 + i, day: isoToDay(m.date), home: m.home, away: m.away, homeGoals: m.fthg, awayGoals: m.ftag }));
}

const history = [...season('2020-2021.csv'), ...season('2021-2022.csv')];
const target = season('2022-2023.csv');
const targets: TargetMatch[] = target.map(({ id, day, home, away }) => ({ id, day, home, away }));

test('no look-ahead: changing a later match never changes an earlier prediction', () => {
  const specs = modelSpecs();
  const base = walkForward([...history, ...target], targets, specs, 7);
  // Flip the result of a mid-season match (0-5 instead of its real score).
  const changed = target[200]!;
  const perturbed = target.map((m) => (m.id === changed.id ? { ...m, homeGoals: 0, awayGoals: 5 } : m));
  const after = walkForward([...history, ...perturbed], targets, specs, 7);
  for (const s of specs) {
    let laterDiffer = 0;
    for (const t of target) {
      const a = base.predictions[s.name]!.get(t.id)!;
      const b = after.predictions[s.name]!.get(t.id)!;
      if (t.day <= changed.day) assert.deepEqual(b, a, `${s.name}: prediction for ${t.home}-${t.away} on day ${t.day} changed`);
      else if (JSON.stringify(a) !== JSON.stringify(b)) laterDiffer++;
    }
    assert.ok(laterDiffer > 0, `${s.name}: the perturbation should change some later predictions (else this test proves nothing)`);
  }
});

test('each block is fitted only on matches before it, and every target is predicted once', () => {
  const seen: { asOf: number; maxTrainDay: number }[] = [];
  const predictedAt = new Map<number, number>();
  const spy: ModelSpec = {
    name: 'spy',
    hyper: {},
    fit(matches, asOfDay): FittedModel {
      seen.push({ asOf: asOfDay, maxTrainDay: Math.max(-Infinity, ...matches.map((m) => m.day)) });
      const asOf = asOfDay;
      return {
        kind: 'spy',
        teams: () => [],
        toJSON: () => ({}),
        predict: () => ({ probabilities: { home: asOf, draw: 0, away: 0 }, expectedGoals: { home: 0, away: 0 } }),
      };
    },
    fromJSON: () => {
      throw new Error('unused');
    },
  };
  const r = walkForward([...history, ...target], targets, [spy], 7);
  assert.equal(r.refits, seen.length);
  for (const s of seen) assert.ok(s.maxTrainDay < s.asOf, `fit as of ${s.asOf} saw a match on day ${s.maxTrainDay}`);
  for (const t of target) {
    const p = r.predictions.spy!.get(t.id)!;
    const asOf = p.probabilities.home;
    predictedAt.set(t.id, asOf);
    assert.ok(asOf <= t.day && t.day < asOf + 7, `match on day ${t.day} predicted by the fit as of ${asOf}`);
  }
  assert.equal(predictedAt.size, target.length);
});
