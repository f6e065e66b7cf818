import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { TEAM_ALIASES } from '../../src/domain/team-aliases.ts';
import { buildSeedIndex, lookupTeams, normaliseAlias, resolveTeams, seedAliases } from '../../src/ingest/teams.ts';
import { listCsvFiles } from '../../src/ingest/football-data/load.ts';
import { parseFootballDataCsv } from '../../src/ingest/football-data/parse.ts';
import { FOOTBALL_DATA_DIR } from '../helpers/football-data.ts';
import type { Warehouse } from '../../src/warehouse/db.ts';
import { forEachEngine } from '../helpers/warehouses.ts';

const count = async (wh: Warehouse, table: 'teams' | 'team_aliases') =>
  Number((await wh.db.selectFrom(table).select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);

test('normaliseAlias: case, spaces, accents, apostrophes', () => {
  assert.equal(normaliseAlias('  Man   United '), 'man united');
  assert.equal(normaliseAlias('Nott\u2019m Forest'), "nott'm forest");
  assert.equal(normaliseAlias('1. FC Köln'), '1. fc koln');
  assert.equal(normaliseAlias('Club Atlético de Madrid'), 'club atletico de madrid');
  assert.equal(normaliseAlias('Cádiz\tCF'), 'cadiz cf');
  assert.equal(normaliseAlias('Borussia Mo\u0308nchengladbach'), 'borussia monchengladbach'); // decomposed input
});

test('seed list: every spelling belongs to one club; canonical names are football-data spellings', async () => {
  assert.doesNotThrow(() => buildSeedIndex(TEAM_ALIASES));
  assert.throws(() => buildSeedIndex({ A: ['Same'], B: ['same '] }), /listed for both "A" and "B"/);
  // every club in the bundled files, by its football-data spelling
  const teams = new Map<string, Set<string>>();
  for (const f of await listCsvFiles(FOOTBALL_DATA_DIR)) {
    const p = parseFootballDataCsv(readFileSync(f, 'utf8'), f);
    for (const m of p.matches) for (const t of [m.home, m.away]) (teams.get(p.league) ?? teams.set(p.league, new Set()).get(p.league)!).add(t);
  }
  const all = new Set([...teams.values()].flatMap((s) => [...s]));
  for (const canonical of Object.keys(TEAM_ALIASES)) assert.ok(all.has(canonical), `seed canonical "${canonical}" is not a football-data spelling`);
  // the EPL is fully covered
  for (const t of teams.get('E0')!) assert.ok(t in TEAM_ALIASES, `EPL club "${t}" has no seed entry`);
  // alternates never collide with another club's football-data spelling
  const index = buildSeedIndex(TEAM_ALIASES);
  for (const t of all) {
    const g = index.get(normaliseAlias(t));
    if (g) assert.equal(g.canonical, t);
  }
});

forEachEngine('resolveTeams: unknown spellings create a team named by the first spelling; variants resolve to it', async (wh) => {
  const a = await resolveTeams(wh.db, ['FC Nowhere', 'Somewhere Town'], 'test');
  assert.equal(a.size, 2);
  const b = await resolveTeams(wh.db, ['  fc   NOWHERE ', 'FC Nowhere'], 'other');
  assert.equal(b.get('  fc   NOWHERE '), a.get('FC Nowhere'));
  assert.equal(b.get('FC Nowhere'), a.get('FC Nowhere'));
  const teams = await wh.db.selectFrom('teams').select(['id', 'name']).orderBy('id').execute();
  assert.deepEqual(teams.map((t) => t.name), ['FC Nowhere', 'Somewhere Town']);
  const aliases = await wh.db.selectFrom('team_aliases').selectAll().orderBy('alias').execute();
  assert.deepEqual(aliases.map((r) => [r.alias, r.source]), [['fc nowhere', 'test'], ['somewhere town', 'test']]);
  assert.deepEqual(await lookupTeams(wh.db, ['Unknown FC']), new Map());
  assert.equal(await count(wh, 'teams'), 2);
});

forEachEngine('resolveTeams: seed spellings land on one club whichever arrives first, without seeding', async (wh) => {
  // openfootball's spelling first: the team is still named by the seed's canonical name
  const first = await resolveTeams(wh.db, ['Manchester United FC'], 'openfootball');
  const id = first.get('Manchester United FC')!;
  const later = await resolveTeams(wh.db, ['Man United', 'Manchester United', 'Man Utd', 'MANCHESTER UNITED'], 'x');
  for (const v of later.values()) assert.equal(v, id);
  const team = await wh.db.selectFrom('teams').select('name').where('id', '=', id).executeTakeFirstOrThrow();
  assert.equal(team.name, 'Man United');
  // two spellings of one new club in a single call make one team
  const both = await resolveTeams(wh.db, ['Wolverhampton Wanderers', 'Wolves'], 'x');
  assert.equal(both.get('Wolves'), both.get('Wolverhampton Wanderers'));
  assert.equal(await count(wh, 'teams'), 2);
});

forEachEngine('seedAliases: idempotent, and resolving Manchester United gives the id of Man United', async (wh) => {
  const r1 = await seedAliases(wh.db);
  assert.deepEqual(r1.conflicts, []);
  const spellings = new Set(Object.entries(TEAM_ALIASES).flatMap(([c, a]) => [c, ...a].map(normaliseAlias)));
  assert.equal(r1.aliasesAdded, spellings.size);
  assert.equal(await count(wh, 'teams'), Object.keys(TEAM_ALIASES).length);
  const r2 = await seedAliases(wh.db);
  assert.deepEqual(r2, { aliasesAdded: 0, conflicts: [] });
  const ids = await resolveTeams(wh.db, ['Manchester United', 'Man United', "Nottingham Forest", "Nott'm Forest", 'Tottenham Hotspur', 'Tottenham', 'AFC Bournemouth', 'Bournemouth'], 'x');
  assert.equal(ids.get('Manchester United'), ids.get('Man United'));
  assert.equal(ids.get('Nottingham Forest'), ids.get("Nott'm Forest"));
  assert.equal(ids.get('Tottenham Hotspur'), ids.get('Tottenham'));
  assert.equal(ids.get('AFC Bournemouth'), ids.get('Bournemouth'));
  assert.notEqual(ids.get('Man United'), ids.get('Tottenham'));
  assert.equal(await count(wh, 'teams'), Object.keys(TEAM_ALIASES).length); // nothing new created
});

forEachEngine('seedAliases reports spellings already split across two teams', async (wh) => {
  // the real club, then a stray team created by hand under an alternate spelling (bypassing resolveTeams)
  const real = (await resolveTeams(wh.db, ['Tottenham'], 'football-data')).get('Tottenham')!;
  const stray = await wh.db.insertInto('teams').values({ name: 'Spurs (stray)' }).returning('id').executeTakeFirstOrThrow();
  await wh.db.insertInto('team_aliases').values({ alias: 'spurs', team_id: stray.id, source: 'manual' }).execute();
  const r = await seedAliases(wh.db);
  assert.equal(r.conflicts.length, 1);
  assert.equal(r.conflicts[0].canonical, 'Tottenham');
  assert.deepEqual(r.conflicts[0].teamIds, [real, stray.id]);
  // everything else seeded fine, and the canonical spelling still resolves to the real club
  assert.equal((await resolveTeams(wh.db, ['Tottenham Hotspur FC'], 'x')).get('Tottenham Hotspur FC'), real);
});
