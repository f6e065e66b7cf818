import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { parseCron, CronError } from '../../src/orchestrate/dag/cron.ts';
import { defineDag, DagDefinitionError, type DagSpec } from '../../src/orchestrate/dag/define.ts';
import { retryDelayMs, MAX_RETRY_DELAY_MS } from '../../src/orchestrate/dag/retry.ts';
import { decide, runOutcome } from '../../src/orchestrate/dag/states.ts';
import { dueIntervals, intervalsInRange, manualRun, runIdFor } from '../../src/orchestrate/dag/timetable.ts';

const d = (s: string) => new Date(s);
const iso = (x: Date) => x.toISOString();
const noop = async () => {};

test('cron: presets, fields, steps, names and next/prev in UTC', () => {
  const weekly = parseCron('@weekly');
  assert.equal(iso(weekly.next(d('2024-01-03T10:00:00Z'))), '2024-01-07T00:00:00.000Z'); // a Sunday
  assert.equal(iso(weekly.prev(d('2024-01-07T00:00:00Z'))), '2023-12-31T00:00:00.000Z');
  const c = parseCron('*/15 9-17 * * MON-FRI');
  assert.equal(iso(c.next(d('2024-01-05T17:50:00Z'))), '2024-01-08T09:00:00.000Z'); // Fri evening → Mon
  assert.equal(iso(c.prev(d('2024-01-08T09:00:00Z'))), '2024-01-05T17:45:00.000Z');
  assert.equal(iso(parseCron('0 0 29 2 *').next(d('2024-03-01T00:00:00Z'))), '2028-02-29T00:00:00.000Z');
  assert.equal(iso(parseCron('@monthly').next(d('2024-01-31T23:59:30Z'))), '2024-02-01T00:00:00.000Z');
  // both day fields restricted: either matches (Vixie cron)
  const either = parseCron('0 0 13 * 5');
  assert.equal(iso(either.next(d('2024-09-01T00:00:00Z'))), '2024-09-06T00:00:00.000Z');
  assert.ok(parseCron('0 0 * * 7').matches(d('2024-01-07T00:00:00Z')), '7 is Sunday');
  assert.ok(!parseCron('@daily').matches(d('2024-01-07T00:00:30Z')));
  assert.throws(() => parseCron('61 * * * *'), CronError);
  assert.throws(() => parseCron('* * *'), /expected 5 fields/);
  assert.throws(() => parseCron('@fortnightly'), /unknown preset/);
});

const dag = (over: Partial<DagSpec> = {}) => defineDag({ id: 'x', schedule: '@daily', startDate: d('2024-01-01T00:00:00Z'), tasks: [{ id: 't', run: noop }], ...over });

test('data intervals: catchup, no catchup, unaligned start, end date, backfill range, manual runs', () => {
  const now = d('2024-01-04T12:00:00Z');
  const caught = dueIntervals(dag({ catchup: true }), undefined, now);
  assert.deepEqual(caught.map((i) => `${iso(i.start)} ${iso(i.end)}`), [
    '2024-01-01T00:00:00.000Z 2024-01-02T00:00:00.000Z',
    '2024-01-02T00:00:00.000Z 2024-01-03T00:00:00.000Z',
    '2024-01-03T00:00:00.000Z 2024-01-04T00:00:00.000Z',
  ]);
  assert.deepEqual(dueIntervals(dag({ catchup: true }), caught[1], now).map((i) => iso(i.start)), ['2024-01-03T00:00:00.000Z']);
  assert.deepEqual(dueIntervals(dag({ catchup: false }), undefined, now).map((i) => iso(i.start)), ['2024-01-03T00:00:00.000Z']);
  assert.deepEqual(dueIntervals(dag({ catchup: false }), caught[2], now), []);
  // an unaligned start date: the first interval starts at the next fire time
  assert.deepEqual(dueIntervals(dag({ catchup: true, startDate: d('2024-01-01T06:00:00Z') }), undefined, now).map((i) => iso(i.start)), ['2024-01-02T00:00:00.000Z', '2024-01-03T00:00:00.000Z']);
  assert.equal(dueIntervals(dag({ catchup: true, endDate: d('2024-01-01T00:00:00Z') }), undefined, now).length, 1);
  assert.deepEqual(dueIntervals(dag({ schedule: null }), undefined, now), []);
  const range = intervalsInRange(dag(), d('2023-12-30T00:00:00Z'), d('2024-01-10T00:00:00Z'), now);
  assert.deepEqual(range.map((i) => iso(i.start)), caught.map((i) => iso(i.start)), 'clipped to the start date and to intervals that have ended');
  assert.throws(() => intervalsInRange(dag({ schedule: null }), now, now, now), /no schedule/);
  const m = manualRun(dag(), now);
  assert.equal(iso(m.logicalDate), iso(now));
  assert.deepEqual([iso(m.interval.start), iso(m.interval.end)], ['2024-01-03T00:00:00.000Z', '2024-01-04T00:00:00.000Z']);
  assert.equal(runIdFor('scheduled', d('2024-01-03T00:00:00Z')), 'scheduled__2024-01-03T00:00:00+00:00');
  assert.equal(runIdFor('manual', d('2024-01-03T00:00:00.123Z')), 'manual__2024-01-03T00:00:00.123+00:00');
});

test("retry delay follows Airflow's next_retry_datetime: backoff, sha1 jitter in [d, 2d), caps", () => {
  const key = { dagId: 'ingest_daily', taskId: 'load', logicalDate: d('2024-01-01T00:00:00Z') };
  const plain = { retries: 3, retryDelayMs: 300_000, retryExponentialBackoff: false };
  assert.equal(retryDelayMs(plain, { ...key, tryNumber: 3 }), 300_000);
  const exp = { ...plain, retryExponentialBackoff: true };
  for (const tryNumber of [1, 2, 3, 4]) {
    const min = 300_000 * 2 ** (tryNumber - 1);
    const hash = BigInt(`0x${createHash('sha1').update(`ingest_daily#load#2024-01-01T00:00:00.000Z#${tryNumber}`).digest('hex')}`);
    assert.equal(retryDelayMs(exp, { ...key, tryNumber }), min + Number(hash % BigInt(min)));
  }
  assert.equal(retryDelayMs({ ...exp, maxRetryDelayMs: 400_000 }, { ...key, tryNumber: 2 }), 400_000);
  assert.equal(retryDelayMs(exp, { ...key, tryNumber: 40 }), MAX_RETRY_DELAY_MS);
  assert.ok(retryDelayMs({ ...exp, retryDelayMs: 0 }, { ...key, tryNumber: 1 }) >= 1, 'min backoff is at least 1');
});

test('trigger rules and the run outcome', () => {
  assert.equal(decide('all_success', []), 'run');
  assert.equal(decide('all_success', ['success', 'running']), 'wait');
  assert.equal(decide('all_success', ['success', 'failed']), 'upstream_failed');
  assert.equal(decide('all_success', ['upstream_failed', 'running']), 'upstream_failed');
  assert.equal(decide('all_success', ['success', 'skipped']), 'skipped');
  assert.equal(decide('none_failed', ['success', 'skipped']), 'run');
  assert.equal(decide('all_done', ['failed', 'success']), 'run');
  assert.equal(decide('all_done', ['failed', 'up_for_retry']), 'wait');
  assert.equal(decide('one_failed', ['failed', 'running']), 'run');
  assert.equal(decide('one_failed', ['success', 'success']), 'skipped');
  assert.equal(decide('all_failed', ['failed', 'upstream_failed']), 'run');
  assert.equal(runOutcome(['success', 'skipped']), 'success');
  assert.equal(runOutcome(['success', 'upstream_failed']), 'failed');
});

test('defineDag validates ids, dependencies, cycles, schedule, and applies defaults', () => {
  const g = defineDag({
    id: 'g',
    schedule: '0 3 * * *',
    startDate: d('2024-01-01'),
    defaults: { retries: 2, retryDelayMs: 1000 },
    tasks: [
      { id: 'c', deps: ['b'], run: noop },
      { id: 'a', run: noop, retries: 0 },
      { id: 'b', deps: ['a'], run: noop },
    ],
  });
  assert.deepEqual(g.tasks.map((t) => t.id), ['a', 'b', 'c'], 'topological order');
  assert.deepEqual([g.task('a')!.retries, g.task('b')!.retries, g.task('b')!.retryDelayMs, g.task('b')!.triggerRule], [0, 2, 1000, 'all_success']);
  assert.deepEqual(g.task('a')!.downstream, ['b']);
  assert.equal(g.catchup, false);
  const bad = (over: Partial<DagSpec>) => () => dag(over);
  assert.throws(bad({ tasks: [{ id: 'a', deps: ['b'], run: noop }, { id: 'b', deps: ['a'], run: noop }] }), /cycle/);
  assert.throws(bad({ tasks: [{ id: 'a', deps: ['zz'], run: noop }] }), /unknown upstream "zz"/);
  assert.throws(bad({ tasks: [{ id: 'a', run: noop }, { id: 'a', run: noop }] }), /declared twice/);
  assert.throws(bad({ schedule: 'every day' }), DagDefinitionError);
  assert.throws(bad({ id: 'has space' }), /id must match/);
  assert.throws(bad({ tasks: [{ id: 'a', run: noop, retries: -1 }] }), /retries/);
});
