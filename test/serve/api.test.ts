import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/serve/app.ts';
import { Predictor } from '../../src/serve/predictor.ts';
import { modelSpecs } from '../../src/ml/index.ts';
import { teamDirectory } from '../../src/warehouse/queries.ts';
import { trainedWarehouse, type Trained } from '../helpers/trained.ts';

let t: Trained;
let app: FastifyInstance;
let warehouseUp = true;

before(async () => {
  t = await trainedWarehouse(['E0/2021-2022.csv', 'E0/2022-2023.csv', 'E1/2021-2022.csv']);
  const artifact = await t.registry.loadArtifact(t.champion);
  const { aliases } = await teamDirectory(t.wh.db);
  const predictor = new Predictor(artifact, t.champion.version, modelSpecs(), aliases);
  ({ app } = await buildApp({ predictor, ping: async () => warehouseUp && t.wh.ping(), logLevel: 'silent' }));
});
after(async () => {
  await app.close();
  await t.wh.close();
});

const predict = (body: unknown) =>
  app.inject({ method: 'POST', url: '/v1/predictions', headers: { 'content-type': 'application/json' }, payload: typeof body === 'string' ? body : JSON.stringify(body) });

test('POST /v1/predictions: Arsenal v Chelsea from the champion; probabilities sum to 1', async () => {
  const r = await predict({ home: 'Arsenal', away: 'Chelsea' });
  assert.equal(r.statusCode, 200, r.body);
  const b = r.json();
  assert.equal(b.home, 'Arsenal');
  assert.equal(b.away, 'Chelsea');
  assert.equal(b.league, 'E0');
  const { home, draw, away } = b.probabilities;
  assert.ok(Math.abs(home + draw + away - 1) < 1e-9);
  for (const p of [home, draw, away]) assert.ok(p > 0.05 && p < 0.9);
  assert.ok(b.expected_goals.home > 0.3 && b.expected_goals.home < 4);
  assert.deepEqual(b.model, { name: 'time2bet', version: t.champion.version, kind: 'dixon-coles' });
});

test('team aliases resolve: "Manchester United" is Man United, and order matters (home advantage)', async () => {
  const a = (await predict({ home: 'Manchester United', away: 'Man City', date: '2023-08-20' })).json();
  assert.equal(a.home, 'Man United');
  assert.equal(a.date, '2023-08-20');
  const b = (await predict({ home: 'Man City', away: 'Man United' })).json();
  assert.ok(b.probabilities.home > a.probabilities.away, 'playing at home helps City');
});

test('unknown team: 422 naming the team and the closest known names', async () => {
  const r = await predict({ home: 'Arsnal', away: 'Chelsea' });
  assert.equal(r.statusCode, 422);
  const b = r.json();
  assert.equal(b.field, 'home');
  assert.match(b.message, /unknown team "Arsnal"/);
  assert.ok(b.suggestions.includes('Arsenal'), JSON.stringify(b));
});

test('malformed bodies: 400 naming the field', async () => {
  const cases: [unknown, RegExp, string][] = [
    [{ home: 'Arsenal' }, /away/, 'away'],
    [{ home: 5, away: 'Chelsea' }, /home/, 'home'],
    [{ home: 'Arsenal', away: 'Chelsea', date: '20/08/2023' }, /date/, 'date'],
    [{ home: 'Arsenal', away: 'Chelsea', odds: 2 }, /unknown field "odds"/, 'odds'],
    [{ home: '', away: 'Chelsea' }, /home/, 'home'],
  ];
  for (const [body, msg, field] of cases) {
    const r = await predict(body);
    assert.equal(r.statusCode, 400, `${JSON.stringify(body)} → ${r.body}`);
    assert.match(r.json().message, msg);
    assert.equal(r.json().field, field);
  }
  const bad = await predict('{"home": "Arsenal", ');
  assert.equal(bad.statusCode, 400);
});

test('league rules: unknown league, same team, teams of different leagues', async () => {
  let r = await predict({ league: 'XX', home: 'Arsenal', away: 'Chelsea' });
  assert.equal(r.statusCode, 422);
  assert.match(r.json().message, /unknown league "XX"; known leagues: E0, E1/);
  r = await predict({ home: 'Arsenal', away: 'Arsenal' });
  assert.equal(r.statusCode, 422);
  r = await predict({ home: 'Arsenal', away: 'Blackburn' });
  assert.equal(r.statusCode, 422);
  assert.match(r.json().message, /say which league/);
  r = await predict({ league: 'E0', home: 'Arsenal', away: 'Blackburn' });
  assert.equal(r.statusCode, 200, 'with a league given, a team new to it gets the promoted-team prior');
});

test('no 5xx for any user input', async () => {
  const bodies: unknown[] = [null, [], 'x', 1, true, {}, { home: null, away: null }, { home: {}, away: [] }, { home: 'a'.repeat(5000), away: 'b' },
    { home: 'Arsenal', away: 'Chelsea', league: 5 }, { home: '\u0000', away: '\uffff' }, { home: 'Arsenal', away: 'Chelsea', date: '2023-02-30x' }];
  for (const b of bodies) {
    const r = await predict(JSON.stringify(b));
    assert.ok(r.statusCode >= 400 && r.statusCode < 500, `${JSON.stringify(b)} → ${r.statusCode} ${r.body}`);
  }
  const noType = await app.inject({ method: 'POST', url: '/v1/predictions', payload: 'home=Arsenal' });
  assert.ok(noType.statusCode >= 400 && noType.statusCode < 500);
});

test('GET /v1/teams, /healthz, /readyz (503 when the warehouse is unreachable), /docs/json', async () => {
  const teams = (await app.inject('/v1/teams')).json().teams as { name: string; league: string }[];
  assert.ok(teams.some((x) => x.name === 'Arsenal' && x.league === 'E0'));
  assert.equal((await app.inject('/healthz')).statusCode, 200);
  const ready = await app.inject('/readyz');
  assert.equal(ready.statusCode, 200);
  assert.equal(ready.json().model.version, t.champion.version);
  warehouseUp = false;
  assert.equal((await app.inject('/readyz')).statusCode, 503);
  warehouseUp = true;
  const doc = (await app.inject('/docs/json')).json();
  assert.ok(doc.paths['/v1/predictions'].post);
});

test('GET /metrics: RED per route, predictions by outcome, model info', async () => {
  await predict({ home: 'Man City', away: 'Bournemouth' });
  const text = (await app.inject('/metrics')).body;
  assert.match(text, /http_requests_total\{method="POST",route="\/v1\/predictions",status="2xx"\} \d+/);
  assert.match(text, /http_requests_total\{method="POST",route="\/v1\/predictions",status="4xx"\} \d+/);
  assert.match(text, /http_request_duration_seconds_bucket\{le="0.005",method="POST",route="\/v1\/predictions"\}/);
  assert.match(text, /model_predictions_total\{model_name="time2bet",model_version="\d+",predicted_outcome="H"\} \d+/);
  assert.match(text, /model_info\{model_name="time2bet",version="\d+",alias="champion",kind="dixon-coles"\} 1/);
});

test('GET /metrics counts every response exactly: per route and status class, latency histogram, predictions by outcome', async () => {
  const artifact = await t.registry.loadArtifact(t.champion);
  const { aliases } = await teamDirectory(t.wh.db);
  const fresh = (await buildApp({ predictor: new Predictor(artifact, t.champion.version, modelSpecs(), aliases), ping: async () => true, logLevel: 'silent' })).app;
  try {
    const post = (body: unknown) => fresh.inject({ method: 'POST', url: '/v1/predictions', headers: { 'content-type': 'application/json' }, payload: JSON.stringify(body) });
    const outcomes = { H: 0, D: 0, A: 0 };
    for (const [home, away] of [['Arsenal', 'Chelsea'], ['Man City', 'Bournemouth'], ['Fulham', 'Liverpool']]) {
      const p = (await post({ home, away })).json().probabilities;
      outcomes[p.home >= p.draw && p.home >= p.away ? 'H' : p.draw >= p.away ? 'D' : 'A']++;
    }
    assert.equal((await post({ home: 'Arsenal' })).statusCode, 400);
    assert.equal((await post({ home: 'Arsenull', away: 'Chelsea' })).statusCode, 422);
    assert.equal((await fresh.inject('/no/such/route')).statusCode, 404);
    assert.equal((await fresh.inject('/healthz')).statusCode, 200);
    const text = (await fresh.inject('/metrics')).body;
    const value = (series: string) => {
      const line = text.split('\n').find((l) => l.startsWith(series + ' '));
      assert.ok(line, `no line ${series} in:\n${text.split('\n').filter((l) => l.startsWith('http_')).join('\n')}`);
      return Number(line.slice(series.length + 1));
    };
    assert.equal(value('http_requests_total{method="POST",route="/v1/predictions",status="2xx"}'), 3);
    assert.equal(value('http_requests_total{method="POST",route="/v1/predictions",status="4xx"}'), 2);
    assert.equal(value('http_requests_total{method="GET",route="/healthz",status="2xx"}'), 1);
    assert.equal(value('http_requests_total{method="GET",route="none",status="4xx"}'), 1);
    assert.equal(value('http_request_duration_seconds_count{method="POST",route="/v1/predictions"}'), 5);
    assert.equal(value('http_request_duration_seconds_bucket{le="+Inf",method="POST",route="/v1/predictions"}'), 5);
    assert.equal(value('http_request_duration_seconds_bucket{le="2.5",method="POST",route="/v1/predictions"}'), 5, 'inject answers well within 2.5 s');
    const sum = value('http_request_duration_seconds_sum{method="POST",route="/v1/predictions"}');
    assert.ok(sum > 0 && sum < 5, `sum ${sum}`);
    const buckets = text.split('\n').filter((l) => l.startsWith('http_request_duration_seconds_bucket{') && l.includes('route="/v1/predictions"')).map((l) => Number(l.split(' ')[1]));
    assert.equal(buckets.length, 13, '12 bounds and +Inf');
    for (let i = 1; i < buckets.length; i++) assert.ok(buckets[i]! >= buckets[i - 1]!, 'cumulative buckets');
    for (const o of ['H', 'D', 'A'] as const) {
      const line = text.split('\n').find((l) => l.startsWith(`model_predictions_total{model_name="time2bet",model_version="${t.champion.version}",predicted_outcome="${o}"}`));
      assert.equal(line ? Number(line.split(' ')[1]) : 0, outcomes[o], `predictions with outcome ${o}`);
    }
    assert.match(text, /# TYPE http_request_duration_seconds histogram/);
  } finally {
    await fresh.close();
  }
});
