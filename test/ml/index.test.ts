import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DIXON_COLES_DEFAULTS, ELO_DEFAULTS, modelSpec, modelSpecs, rps, shin } from '../../src/ml/index.ts';
import { simulateLeague } from './league.ts';
import { assertClose } from './prng.ts';

test('modelSpecs: elo then dixon-coles, with defaults or overrides', () => {
  const specs = modelSpecs();
  assert.deepEqual(
    specs.map((s) => s.name),
    ['elo', 'dixon-coles'],
  );
  assert.deepEqual(specs[0].hyper, ELO_DEFAULTS);
  assert.deepEqual(specs[1].hyper, DIXON_COLES_DEFAULTS);
  const tuned = modelSpecs({ elo: { k: 30 }, 'dixon-coles': { xi: 0.001 } });
  assert.equal(tuned[0].hyper.k, 30);
  assert.equal(tuned[0].hyper.hfa, 60);
  assert.equal(tuned[1].hyper.xi, 0.001);
  assert.throws(() => modelSpecs({ pi: {} } as never), /unknown model "pi"/);
  assert.equal(modelSpec('dixon-coles').name, 'dixon-coles');
  assert.throws(() => modelSpec('glicko'), /unknown model "glicko"; known: elo, dixon-coles/);
  assert.equal(typeof rps, 'function');
  assert.equal(typeof shin, 'function');
});

test('every spec fits, predicts, and restores from JSON through the common contract', () => {
  const league = simulateLeague(12, 20, 2);
  for (const spec of modelSpecs()) {
    const model = spec.fit(league.matches, league.lastDay + 1);
    assert.equal(model.kind, spec.name);
    const [h, a] = model.teams();
    const p = model.predict(h, a);
    assertClose(p.probabilities.home + p.probabilities.draw + p.probabilities.away, 1, 1e-12, spec.name);
    const restored = spec.fromJSON(JSON.parse(JSON.stringify(model.toJSON())));
    assert.deepEqual(restored.predict(h, a), p);
  }
});
