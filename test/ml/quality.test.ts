import { test } from 'node:test';
import assert from 'node:assert/strict';
import { calibration } from '../../src/ml/evaluation/calibration.ts';
import { pairedGap, qualityReport, type ForecastRecord } from '../../src/ml/evaluation/quality.ts';
import { rps } from '../../src/ml/evaluation/metrics.ts';
import { qualityMarkdown, reliabilitySvg, plotSeries } from '../../src/ml/evaluation/quality-report.ts';
import type { Outcome, Probabilities } from '../../src/domain/types.ts';
import { assertClose, mulberry32 } from './prng.ts';

test('paired gap: mean and standard error sd/√n of the differences', () => {
  const g = pairedGap([0.01, -0.01, 0.03, 0.01]);
  assert.equal(g.n, 4);
  assertClose(g.mean, 0.01, 1e-12, 'mean');
  // sd (n − 1) = √(((0)² + (−0.02)² + 0.02² + 0²)/3) = √(0.0008/3); se = sd/2
  assertClose(g.se, Math.sqrt(0.0008 / 3) / 2, 1e-6, 'se');
  assert.ok(Number.isNaN(pairedGap([]).mean));
});

test('calibration: a perfectly calibrated forecaster has ECE 0; a biased one its bias', () => {
  const preds: Probabilities[] = [];
  const outs: Outcome[] = [];
  // 10 matches at (0.5, 0.3, 0.2) with exactly 5 H, 3 D, 2 A.
  for (const o of ['H', 'H', 'H', 'H', 'H', 'D', 'D', 'D', 'A', 'A'] as Outcome[]) {
    preds.push({ home: 0.5, draw: 0.3, away: 0.2 });
    outs.push(o);
  }
  const c = calibration(preds, outs);
  assertClose(c.ece, 0, 1e-12, 'ECE');
  assert.equal(c.home.bins.length, 1);
  assertClose(c.draw.observed, 0.3, 1e-12, 'draw frequency');
  const biased = calibration(preds.map(() => ({ home: 0.7, draw: 0.2, away: 0.1 })), outs);
  assertClose(biased.home.ece, 0.2, 1e-12, 'home ECE = |0.7 − 0.5|');
  assertClose(biased.draw.ece, 0.1, 1e-12, 'draw ECE');
  assertClose(biased.ece, (0.2 + 0.1 + 0.1) / 3, 1e-12, 'mean ECE');
});

function records(n: number): ForecastRecord[] {
  const rand = mulberry32(4);
  return Array.from({ length: n }, (_, i) => {
    const u = rand();
    const outcome: Outcome = u < 0.46 ? 'H' : u < 0.72 ? 'D' : 'A';
    return {
      league: i % 3 === 0 ? 'D1' : 'E0',
      season: i % 2 ? '2021-2022' : '2022-2023',
      id: i,
      outcome,
      market: { home: 0.46, draw: 0.26, away: 0.28 },
      marketLabel: 'pinnacle-closing',
      pinnaclePre: { home: 0.45, draw: 0.27, away: 0.28 },
      models: { a: { home: 0.4, draw: 0.3, away: 0.3 }, 'a+market': { home: 0.46, draw: 0.26, away: 0.28 } },
    };
  });
}

test('the quality report: segments, pooled = all matches at once, gaps paired on the same matches', () => {
  const rs = records(400);
  const q = qualityReport(rs, ['a', 'a+market']);
  assert.equal(q.segments.length, 4);
  assert.equal(q.pooled.matches, 400);
  assert.equal(q.segments.reduce((s, x) => s + x.matches, 0), 400);
  const gap = rs.reduce((s, r) => s + rps(r.models.a!, r.outcome) - rps(r.market, r.outcome), 0) / 400;
  assertClose(q.gaps.a!.rps.mean, gap, 1e-6, 'pooled gap');
  assert.equal(q.gaps['a+market']!.rps.mean, 0);
  assert.equal(q.gaps['a+market']!.rps.se, 0);
  assert.ok(q.pinnaclePre && q.pinnaclePre.matches === 400);
  const md = qualityMarkdown({ command: 'time2bet report quality', sections: [{ title: 'test', report: q }], plotFile: 'x.svg', notes: ['n'] });
  assert.match(md, /# Model quality/);
  assert.match(md, /Best results-only model: \*\*a\*\*/);
  assert.match(md, /Best market-aware model: \*\*a\+market\*\*/);
  assert.match(md, /\| E0 \| 2021-2022 \|/);
  assert.match(md, /!\[reliability diagram\]\(x\.svg\)/);
  const svg = reliabilitySvg(plotSeries(q), 'Reliability');
  assert.match(svg, /^<svg [^>]*xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
  assert.equal((svg.match(/<circle /g) ?? []).length > 0, true);
  assert.match(svg, /<\/svg>\n$/);
});
