/**
 * Which football-data.co.uk header names hold which prices.
 *
 * Built from the headers of every bundled file (data/football-data/**) and the site's notes.
 * Columns are always looked up by header name: positions drift between seasons.
 */
import type { OddsKind } from '../../domain/types.ts';

export interface OddsColumns {
  bookmaker: string;
  kind: OddsKind;
  /** Candidate header triples (home, draw, away), first present one wins. */
  triples: ReadonlyArray<readonly [string, string, string]>;
}

export interface TotalsColumns {
  bookmaker: string;
  kind: OddsKind;
  line: number;
  /** Candidate header pairs (over, under), first present one wins. */
  pairs: ReadonlyArray<readonly [string, string]>;
}

const t = (p: string): [string, string, string] => [`${p}H`, `${p}D`, `${p}A`];
const ou = (p: string, line = '2.5'): [string, string] => [`${p}>${line}`, `${p}<${line}`];

/**
 * 1X2 prices. Betbrain aggregates (`BbMx`, `BbAv`, until 2018-19) and football-data's own
 * market max/average (`Max`, `Avg`, from 2019-20) are both stored as market-max / market-avg;
 * a file never carries both (if one did, `Max`/`Avg` win).
 */
export const ODDS_COLUMNS: readonly OddsColumns[] = [
  // pre-match
  { bookmaker: 'bet365', kind: 'pre', triples: [t('B365')] },
  { bookmaker: 'betwin', kind: 'pre', triples: [t('BW')] },
  { bookmaker: 'interwetten', kind: 'pre', triples: [t('IW')] },
  // `PH/PD/PA` is the spelling of the site's "extra leagues" files.
  { bookmaker: 'pinnacle', kind: 'pre', triples: [t('PS'), t('P')] },
  { bookmaker: 'williamhill', kind: 'pre', triples: [t('WH')] },
  { bookmaker: 'vcbet', kind: 'pre', triples: [t('VC')] },
  { bookmaker: 'ladbrokes', kind: 'pre', triples: [t('LB')] },
  { bookmaker: 'gamebookers', kind: 'pre', triples: [t('GB')] },
  { bookmaker: 'sportingbet', kind: 'pre', triples: [t('SB')] },
  { bookmaker: 'stanjames', kind: 'pre', triples: [t('SJ')] },
  { bookmaker: 'bluesquare', kind: 'pre', triples: [t('BS')] },
  { bookmaker: '1xbet', kind: 'pre', triples: [t('1XB')] },
  { bookmaker: 'betfair', kind: 'pre', triples: [t('BF')] },
  { bookmaker: 'betfair-exchange', kind: 'pre', triples: [t('BFE')] },
  { bookmaker: 'market-max', kind: 'pre', triples: [t('Max'), t('BbMx')] },
  { bookmaker: 'market-avg', kind: 'pre', triples: [t('Avg'), t('BbAv')] },
  // closing
  { bookmaker: 'bet365', kind: 'closing', triples: [t('B365C')] },
  { bookmaker: 'betwin', kind: 'closing', triples: [t('BWC')] },
  { bookmaker: 'interwetten', kind: 'closing', triples: [t('IWC')] },
  { bookmaker: 'pinnacle', kind: 'closing', triples: [t('PSC')] },
  { bookmaker: 'williamhill', kind: 'closing', triples: [t('WHC')] },
  { bookmaker: 'vcbet', kind: 'closing', triples: [t('VCC')] },
  { bookmaker: '1xbet', kind: 'closing', triples: [t('1XBC')] },
  { bookmaker: 'betfair', kind: 'closing', triples: [t('BFC')] },
  { bookmaker: 'betfair-exchange', kind: 'closing', triples: [t('BFEC')] },
  { bookmaker: 'market-max', kind: 'closing', triples: [t('MaxC')] },
  { bookmaker: 'market-avg', kind: 'closing', triples: [t('AvgC')] },
];

/** Over/under 2.5 goals prices. */
export const TOTALS_COLUMNS: readonly TotalsColumns[] = [
  { bookmaker: 'bet365', kind: 'pre', line: 2.5, pairs: [ou('B365')] },
  { bookmaker: 'pinnacle', kind: 'pre', line: 2.5, pairs: [ou('P')] },
  { bookmaker: 'gamebookers', kind: 'pre', line: 2.5, pairs: [ou('GB')] },
  { bookmaker: 'betfair-exchange', kind: 'pre', line: 2.5, pairs: [ou('BFE')] },
  { bookmaker: 'market-max', kind: 'pre', line: 2.5, pairs: [ou('Max'), ou('BbMx')] },
  { bookmaker: 'market-avg', kind: 'pre', line: 2.5, pairs: [ou('Avg'), ou('BbAv')] },
  { bookmaker: 'bet365', kind: 'closing', line: 2.5, pairs: [ou('B365C')] },
  { bookmaker: 'pinnacle', kind: 'closing', line: 2.5, pairs: [ou('PC')] },
  { bookmaker: 'betfair-exchange', kind: 'closing', line: 2.5, pairs: [ou('BFEC')] },
  { bookmaker: 'market-max', kind: 'closing', line: 2.5, pairs: [ou('MaxC')] },
  { bookmaker: 'market-avg', kind: 'closing', line: 2.5, pairs: [ou('AvgC')] },
];

/** Match statistics: header name per side. */
export const STAT_COLUMNS = {
  shots: ['HS', 'AS'],
  shotsOnTarget: ['HST', 'AST'],
  corners: ['HC', 'AC'],
  fouls: ['HF', 'AF'],
  yellow: ['HY', 'AY'],
  red: ['HR', 'AR'],
} as const;

export const REQUIRED_COLUMNS = ['Div', 'Date', 'HomeTeam', 'AwayTeam', 'FTHG', 'FTAG'] as const;
