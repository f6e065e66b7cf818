/**
 * Which bookmaker prices the system reads, in order of preference. Shared by the market
 * forecast (`src/ml/market/`) and the warehouse readers, which fetch only these keys. Pure data.
 */
import type { OddsKind } from './types.ts';

/** The market forecast's preference: closing prices first, then pre-match. */
export const MARKET_PREFERENCE: ReadonlyArray<{ bookmaker: string; kind: OddsKind; label: string }> = [
  { bookmaker: 'pinnacle', kind: 'closing', label: 'pinnacle-closing' },
  { bookmaker: 'market-avg', kind: 'closing', label: 'average-closing' },
  { bookmaker: 'pinnacle', kind: 'pre', label: 'pinnacle-pre-match' },
  { bookmaker: 'market-avg', kind: 'pre', label: 'average-pre-match' },
  { bookmaker: 'bet365', kind: 'pre', label: 'bet365-pre-match' },
];

/**
 * Pre-match prices a market-aware model may use: published before kick-off, never closing.
 * Preference: Pinnacle, then the market average, then bet365.
 */
export const PRE_MATCH_PREFERENCE: ReadonlyArray<{ bookmaker: string; label: string }> = [
  { bookmaker: 'pinnacle', label: 'pinnacle-pre-match' },
  { bookmaker: 'market-avg', label: 'average-pre-match' },
  { bookmaker: 'bet365', label: 'bet365-pre-match' },
];

/**
 * Every (bookmaker, kind) price the market forecast and the pre-match preference read. Readers
 * of the warehouse fetch only these (most stored prices are other bookmakers').
 */
export const MARKET_PRICE_KEYS: ReadonlyArray<{ bookmaker: string; kind: OddsKind }> = [
  ...new Map(
    [...MARKET_PREFERENCE, ...PRE_MATCH_PREFERENCE.map((p) => ({ ...p, kind: 'pre' as const }))].map((p) => [`${p.bookmaker}|${p.kind}`, { bookmaker: p.bookmaker, kind: p.kind }]),
  ).values(),
];
