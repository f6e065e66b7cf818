/**
 * Load a snapshot folder into a fresh in-memory warehouse (PGlite), keeping match ids, so the
 * pipeline's training and evaluation read exactly the snapshot's data and nothing else.
 */
import { openWarehouse, type Warehouse } from '../../warehouse/db.ts';
import { fromParquet, type Row } from './parquet.ts';
import { readSnapshotDir } from './snapshot.ts';
import { MATCH_COLUMNS, MATCH_STATS_COLUMNS, ODDS_COLUMNS, ODDS_TOTALS_COLUMNS } from './tables.ts';

const CHUNK = 500;

async function insertChunks<T>(rows: readonly T[], insert: (chunk: T[]) => Promise<unknown>): Promise<void> {
  for (let i = 0; i < rows.length; i += CHUNK) await insert(rows.slice(i, i + CHUNK));
}

/** Restore into `into` (an empty, migrated warehouse) or, by default, a new in-memory PGlite. */
export async function restoreSnapshot(dir: string, into?: Warehouse): Promise<Warehouse> {
  const { files } = await readSnapshotDir(dir);
  const table = async (name: string, columns: typeof MATCH_COLUMNS): Promise<Row[]> => {
    const bytes = files.get(name);
    if (!bytes) throw new Error(`${dir}: the snapshot has no ${name} table`);
    return fromParquet(bytes, columns);
  };
  const matches = await table('matches', MATCH_COLUMNS);
  const stats = await table('match_stats', MATCH_STATS_COLUMNS);
  const odds = await table('odds', ODDS_COLUMNS);
  const totals = await table('odds_totals', ODDS_TOTALS_COLUMNS);
  const wh = into ?? (await openWarehouse({ engine: 'pglite', dir: 'memory' }));
  try {
    await wh.db.transaction().execute(async (trx) => {
      const competitions = new Map<string, number>();
      const seasons = new Map<string, number>();
      const teams = new Map<string, number>();
      for (const m of matches) {
        const code = m.league as string;
        if (!competitions.has(code)) {
          const r = await trx
            .insertInto('competitions')
            .values({ code, name: m.league_name as string, country: (m.country as string | null) ?? null })
            .returning('id')
            .executeTakeFirstOrThrow();
          competitions.set(code, r.id);
        }
        const sk = `${code}/${m.season as string}`;
        if (!seasons.has(sk)) {
          const r = await trx.insertInto('seasons').values({ competition_id: competitions.get(code)!, name: m.season as string }).returning('id').executeTakeFirstOrThrow();
          seasons.set(sk, r.id);
        }
        for (const t of [m.home_team as string, m.away_team as string]) {
          if (!teams.has(t)) teams.set(t, (await trx.insertInto('teams').values({ name: t }).returning('id').executeTakeFirstOrThrow()).id);
        }
      }
      await insertChunks(matches, (chunk) =>
        trx
          .insertInto('matches')
          .values(
            chunk.map((m) => ({
              id: m.id as number,
              competition_id: competitions.get(m.league as string)!,
              season_id: seasons.get(`${m.league as string}/${m.season as string}`)!,
              kickoff_date: m.kickoff_date as string,
              kickoff_time: m.kickoff_time as string | null,
              home_team_id: teams.get(m.home_team as string)!,
              away_team_id: teams.get(m.away_team as string)!,
              status: m.status as 'finished',
              home_goals: m.home_goals as number | null,
              away_goals: m.away_goals as number | null,
              home_goals_ht: m.home_goals_ht as number | null,
              away_goals_ht: m.away_goals_ht as number | null,
              referee: m.referee as string | null,
              source_ids: m.source_ids as string,
            })),
          )
          .execute(),
      );
      await insertChunks(stats, (chunk) => trx.insertInto('match_stats').values(chunk as never).execute());
      await insertChunks(odds, (chunk) => trx.insertInto('odds').values(chunk as never).execute());
      await insertChunks(totals, (chunk) => trx.insertInto('odds_totals').values(chunk as never).execute());
    });
  } catch (e) {
    if (!into) await wh.close();
    throw e;
  }
  return wh;
}
