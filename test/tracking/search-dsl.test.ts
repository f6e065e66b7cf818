/** The pure parts: MLflow's filter and order_by syntax, page tokens, validation rules, the promotion gate. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodePageToken, encodePageToken, parseFilter, parseOrderBy } from '../../src/tracking/filter.ts';
import { validateAlias, validateBatchLimits, validateMetric, validateParam } from '../../src/tracking/validation.ts';
import { MlflowError } from '../../src/tracking/errors.ts';
import { decide } from '../../src/registry/promotion.ts';
import { calibrationError, scoreForecasts } from '../../src/registry/gate-evaluation.ts';

const invalid = (fn: () => unknown, re: RegExp) =>
  assert.throws(fn, (e: unknown) => e instanceof MlflowError && e.errorCode === 'INVALID_PARAMETER_VALUE' && e.status === 400 && re.test(e.message));

test('filter: AND-ed comparisons of metrics, params, tags and attributes, with MLflow aliases and quoting', () => {
  assert.deepEqual(parseFilter(''), []);
  assert.deepEqual(parseFilter("metrics.rps < 0.2 and params.model = 'dc'"), [
    { type: 'metric', key: 'rps', comparator: '<', value: { kind: 'number', value: 0.2, text: '0.2' } },
    { type: 'parameter', key: 'model', comparator: '=', value: { kind: 'string', value: 'dc' } },
  ]);
  const c = parseFilter("metric.`log loss` >= -1e-3 AND tags.\"mlflow.runName\" LIKE 'train-%' and attributes.status != \"FAILED\" and run_id IN ('a', 'b') and param.x NOT IN ('y')");
  assert.deepEqual(c.map((x) => [x.type, x.key, x.comparator]), [
    ['metric', 'log loss', '>='],
    ['tag', 'mlflow.runName', 'LIKE'],
    ['attribute', 'status', '!='],
    ['attribute', 'run_id', 'IN'],
    ['parameter', 'x', 'NOT IN'],
  ]);
  assert.equal((c[0]!.value as { value: number }).value, -0.001);
  assert.deepEqual(c[3]!.value, { kind: 'list', values: ['a', 'b'] });
  assert.equal(parseFilter("metrics.eval.rps <= 1")[0]!.key, 'eval.rps', 'dotted keys stay whole');
  assert.equal(parseFilter("params.note = 'it''s'")[0]!.value.kind, 'string');
});

test('filter: OR, bad entities, missing values and unterminated quotes are INVALID_PARAMETER_VALUE', () => {
  invalid(() => parseFilter("metrics.rps < 1 or params.a = 'b'"), /Only AND/);
  invalid(() => parseFilter('foo.rps < 1'), /Invalid entity type 'foo'/);
  invalid(() => parseFilter('metrics.rps <'), /Expected a value/);
  invalid(() => parseFilter("params.a = 'b"), /unterminated/);
  invalid(() => parseFilter("params.a = 'b' and"), /ends with AND/);
  invalid(() => parseFilter("params.a IN 'b'"), /IN needs a list/);
});

test('order_by: entity, key and direction', () => {
  assert.deepEqual(parseOrderBy('metrics.rps'), { type: 'metric', key: 'rps', asc: true });
  assert.deepEqual(parseOrderBy('metrics.`log loss` DESC'), { type: 'metric', key: 'log loss', asc: false });
  assert.deepEqual(parseOrderBy('start_time desc'), { type: 'attribute', key: 'start_time', asc: false });
  invalid(() => parseOrderBy('metrics.rps sideways'), /Invalid order_by clause/);
});

test('page tokens are base64 of {"offset": n}, as MLflow writes them', () => {
  assert.equal(Buffer.from(encodePageToken(100), 'base64').toString(), '{"offset":100}');
  assert.equal(decodePageToken(encodePageToken(100)), 100);
  assert.equal(decodePageToken(undefined), 0);
  invalid(() => decodePageToken('bm9wZQ=='), /Invalid page token/);
});

test('validation: key names, value lengths, batch limits and alias names follow MLflow', () => {
  invalid(() => validateParam('a/../b', 'x'), /would resolve to 'b'/);
  invalid(() => validateParam('bad!', 'x'), /Invalid parameter name: 'bad!'/);
  invalid(() => validateParam('p', 'x'.repeat(6001)), /Param value .* had length 6001, which exceeded length limit of 6000/);
  validateParam('ok key/with.all-the_chars: 1', 'x'.repeat(6000));
  invalid(() => validateMetric({ key: 'm', value: 1, timestamp: -1, step: 0 }), /Timestamp must be a nonnegative long/);
  invalid(() => validateBatchLimits(1001, 0, 0), /at most 1000 metrics. Got 1001 metrics/);
  invalid(() => validateBatchLimits(0, 101, 0), /at most 100 params/);
  invalid(() => validateBatchLimits(0, 0, 101), /at most 100 tags/);
  invalid(() => validateBatchLimits(900, 100, 1), /at most 1000 metrics, params, and tags. Got 1001/);
  validateBatchLimits(1000, 0, 0);
  invalid(() => validateAlias('latest'), /reserved/);
  invalid(() => validateAlias('v3'), /reserved/);
  invalid(() => validateAlias('a b'), /Invalid alias name/);
  validateAlias('champion');
});

const scores = (rps: number, calibration = 0.02, matches = 380) => ({ rps, calibration, matches });
const policy = { rpsTolerance: 0.0005, calibrationBound: 0.05 };

test('gate: a candidate worse than the champion beyond the tolerance is refused, with the numbers in the reason', () => {
  const worse = decide(scores(0.2031), { version: 3, scores: scores(0.201) }, policy);
  assert.equal(worse.promote, false);
  assert.match(worse.reason, /RPS 0\.2031 is worse than champion v3's 0\.2010 by 0\.0021 \(tolerance 0\.0005\) on the same 380 matches/);
  assert.equal(decide(scores(0.2014), { version: 3, scores: scores(0.201) }, policy).promote, true, 'within tolerance');
  assert.equal(decide(scores(0.199), { version: 3, scores: scores(0.201) }, policy).promote, true, 'better');
  const miscalibrated = decide(scores(0.19, 0.08), { version: 3, scores: scores(0.201) }, policy);
  assert.equal(miscalibrated.promote, false);
  assert.match(miscalibrated.reason, /calibration error 0\.0800 exceeds the bound 0\.05/);
  assert.equal(decide(scores(0.19), { version: 3, scores: scores(0.2, 0.02, 100) }, policy).promote, false, 'different matches are not comparable');
  assert.match(decide(scores(0.3, 0.2), undefined, policy).reason, /no champion yet/);
});

test('calibration error: zero for forecasts that match the frequencies, large for confident misses', () => {
  const even = { home: 0.5, draw: 0.25, away: 0.25 };
  const outcomes = ['H', 'H', 'D', 'A'] as const;
  assert.ok(calibrationError(outcomes.map(() => even), outcomes) < 1e-12);
  const sure = { home: 0.95, draw: 0.03, away: 0.02 };
  assert.ok(calibrationError(outcomes.map(() => sure), ['A', 'A', 'A', 'A']) > 0.9);
  const s = scoreForecasts([even], ['H']);
  assert.equal(s.matches, 1);
  assert.ok(Math.abs(s.rps - 0.5 * (0.25 + 0.0625)) < 1e-12);
});
