import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { runLeagueBacktest, type BacktestMatch } from '../../src/ml/evaluation/backtest.ts';
import { walkForward } from '../../src/ml/evaluation/walk-forward.ts';
import { MONDAY_ANCHOR } from '../../src/ml/evaluation/seasons.ts';
import { selectModelSpecs } from '../../src/ml/index.ts';
import { parseFootballDataCsv } from '../../src/ingest/football-data/parse.ts';
import { isoToDay } from '../../src/domain/types.ts';

const SEASONS = ['2019-2020', '2020-2021', '2021-2022', '2022-2023'];
const matches: BacktestMatch[] = SEASONS.flatMap((season) =>
  parseFootballDataCsv(readFileSync(`data/football-data/E0/${season}.csv`, 'utf8'), `${season}.csv`).matches.map((m, i) => ({
    id: isoToDay(m.date) * 1000 + i,
    season,
    league: 'E0',
    day: isoToDay(m.date),
    home: m.home,
    away: m.away,
    homeGoals: m.fthg,
    awayGoals: m.ftag,
    prices: m.odds,
  })),
);
const test2223 = matches.filter((m) => m.season === '2022-2023');

test('without a stacked model the walk starts at the test season, with the same predictions as a longer walk', () => {
  const specs = selectModelSpecs(['elo', 'dixon-coles'], {}, { tune: false });
  const r = runLeagueBacktest({ league: 'E0', matches, testSeasons: ['2022-2023'], specs, refitDays: 7, oosStart: isoToDay('2019-08-01') });
  assert.equal(r.walked, test2223.length, 'only the test season is walked');
  assert.equal(r.records.length, test2223.length);
  // The same models walked from 2019-20 (what the backtest did before): the test season's
  // predictions depend only on earlier matches, not on where the walk began.
  const long = walkForward(
    matches,
    matches.filter((m) => m.season !== '2019-2020').map((m) => ({ id: m.id, day: m.day, home: m.home, away: m.away })),
    specs,
    7,
    { anchorDay: MONDAY_ANCHOR, league: 'E0' },
  );
  for (const rec of r.records) {
    // Fits warm-start from the previous fit (Elo's outcome mapping, Dixon-Coles' parameters),
    // so the two walks agree to the optimisers' tolerance.
    for (const [name, tol] of [['elo', 1e-6], ['dixon-coles', 1e-4]] as const) {
      const a = rec.models[name]!;
      const b = long.predictions[name]!.get(rec.id)!.probabilities;
      for (const k of ['home', 'draw', 'away'] as const) assert.ok(Math.abs(a[k] - b[k]) < tol, `${name} match ${rec.id} ${k}: ${a[k]} vs ${b[k]}`);
    }
  }
});

test('a stacked model still gets the out-of-sample history before the test season', () => {
  const specs = selectModelSpecs(['elo+market'], {}, { tune: false });
  const oosStart = isoToDay('2020-07-01');
  const r = runLeagueBacktest({ league: 'E0', matches, testSeasons: ['2022-2023'], specs, refitDays: 7, oosStart });
  assert.equal(r.walked, matches.filter((m) => m.day >= oosStart).length);
  assert.ok(r.walked > test2223.length);
});
