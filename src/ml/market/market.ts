/**
 * The market's forecast for a match: the best available bookmaker prices with the margin
 * removed. Preference: Pinnacle closing, else the market-average closing price, else
 * pre-match prices (Pinnacle, market average, bet365). Pure.
 */
import type { Odds1x2, OddsKind, Probabilities } from '../../domain/types.ts';
import { demargin, type DemarginMethod } from './demargin.ts';
import { MARKET_PREFERENCE, PRE_MATCH_PREFERENCE } from '../../domain/market-keys.ts';

export { MARKET_PREFERENCE, MARKET_PRICE_KEYS, PRE_MATCH_PREFERENCE } from '../../domain/market-keys.ts';

export interface BookPrice extends Odds1x2 {
  bookmaker: string;
  kind: OddsKind;
}

export interface MarketForecast {
  label: string;
  probabilities: Probabilities;
}

/** The preferred price among a match's prices, de-margined; undefined if none is usable. */
export function marketForecast(prices: readonly BookPrice[], method: DemarginMethod = 'multiplicative'): MarketForecast | undefined {
  for (const pref of MARKET_PREFERENCE) {
    const p = prices.find((x) => x.bookmaker === pref.bookmaker && x.kind === pref.kind);
    if (p) return { label: pref.label, probabilities: demargin(p, method) };
  }
  return undefined;
}

/** "pinnacle-closing" or, when matches used several sources, "pinnacle-closing 378, average-closing 2". */
export function describeSources(labels: readonly string[], method: DemarginMethod = 'multiplicative'): string {
  const counts = new Map<string, number>();
  for (const l of labels) counts.set(l, (counts.get(l) ?? 0) + 1);
  const order = MARKET_PREFERENCE.map((p) => p.label);
  const parts = [...counts].sort((a, b) => order.indexOf(a[0]) - order.indexOf(b[0]));
  const body = parts.length === 1 ? parts[0]![0] : parts.map(([l, n]) => `${l} ${n}`).join(', ');
  return `${body} (${method} margin removal)`;
}

/** The preferred PRE-MATCH 1X2 price of a match (closing prices are never returned); undefined if none. */
export function preMatchPrice(prices: readonly BookPrice[]): (Odds1x2 & { label: string }) | undefined {
  for (const pref of PRE_MATCH_PREFERENCE) {
    const p = prices.find((x) => x.bookmaker === pref.bookmaker && x.kind === 'pre');
    if (p && p.home > 1 && p.draw > 1 && p.away > 1) return { home: p.home, draw: p.draw, away: p.away, label: pref.label };
  }
  return undefined;
}

/** The Pinnacle pre-match price de-margined, the benchmark a market-aware model must beat; undefined if absent. */
export function pinnaclePreMatch(prices: readonly BookPrice[], method: DemarginMethod = 'multiplicative'): Probabilities | undefined {
  const p = prices.find((x) => x.bookmaker === 'pinnacle' && x.kind === 'pre');
  return p ? demargin(p, method) : undefined;
}
