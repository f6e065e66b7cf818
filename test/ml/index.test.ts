import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  ALL_MODELS,
  DIXON_COLES_DEFAULTS,
  ELO_DEFAULTS,
  RESULTS_ONLY_MODELS,
  modelSpec,
  modelSpecs,
  rps,
  selectModelSpecs,
  shin,
} from '../../src/ml/index.ts';
import { simulateLeague } from './league.ts';
import { assertClose } from './prng.ts';

test('modelSpecs: the results-only zoo in a fixed order; market variants on request', () => {
  const specs = modelSpecs();
  assert.deepEqual(
    specs.map((s) => s.name),
    ['elo', 'pi', 'poisson', 'dixon-coles', 'diagonal-poisson', 'softmax', 'ensemble'],
  );
  assert.deepEqual([...RESULTS_ONLY_MODELS], specs.map((s) => s.name));
  assert.ok(specs.every((s) => !s.marketAware));
  // Tuned specs report their defaults as hyper-parameters.
  assert.deepEqual(specs[0].hyper, ELO_DEFAULTS);
  assert.deepEqual(specs[3].hyper, { ...DIXON_COLES_DEFAULTS, gradientTolerance: 1e-7 });
  // Caller-given hyper-parameters are used as they are (no tuning).
  const given = modelSpecs({ elo: { k: 30 }, 'dixon-coles': { xi: 0.001 } });
  assert.equal(given[0].hyper.k, 30);
  assert.equal(given[0].hyper.hfa, 60);
  assert.equal(given[3].hyper.xi, 0.001);
  assert.throws(() => modelSpecs({ glicko: {} } as never), /unknown model "glicko"/);
  const all = modelSpecs({}, { market: true });
  assert.deepEqual(all.map((s) => s.name), [...ALL_MODELS]);
  for (const s of all) assert.equal(s.marketAware === true, s.name.endsWith('+market'), `${s.name}: market-aware iff named +market`);
  assert.equal(modelSpec('dixon-coles').name, 'dixon-coles');
  assert.equal(modelSpec('elo+market').name, 'elo+market');
  assert.throws(() => modelSpec('glicko'), /unknown model "glicko"; known: elo, pi, poisson, dixon-coles/);
  assert.deepEqual(selectModelSpecs(['softmax+market', 'elo']).map((s) => s.name), ['elo', 'softmax+market']);
  assert.equal(typeof rps, 'function');
  assert.equal(typeof shin, 'function');
});

test('every results-only spec fits, predicts, and restores from JSON through the common contract', () => {
  const league = simulateLeague(12, 20, 3);
  for (const spec of modelSpecs()) {
    const model = spec.fit(league.matches, league.lastDay + 1);
    assert.equal(model.kind, spec.name);
    const [h, a] = model.teams();
    const p = model.predict(h, a);
    assertClose(p.probabilities.home + p.probabilities.draw + p.probabilities.away, 1, 1e-12, spec.name);
    const restored = spec.fromJSON(JSON.parse(JSON.stringify(model.toJSON())));
    assert.deepEqual(restored.predict(h, a), p, spec.name);
  }
});
