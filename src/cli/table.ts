/** The evaluation table printed by `start` and `backtest` (without --json). */
import type { EvaluationReport } from '../ml/evaluation/evaluate.ts';

export function formatReport(title: string, r: EvaluationReport): string {
  const rows: string[][] = [['', 'RPS', 'log loss', 'Brier', 'accuracy']];
  const f = (x: number, d = 4) => (Number.isFinite(x) ? x.toFixed(d) : '—');
  const names = Object.keys(r.models).sort((a, b) => r.models[a]!.rps - r.models[b]!.rps);
  for (const n of names) {
    const s = r.models[n]!;
    rows.push([n, f(s.rps), f(s.logloss), f(s.brier), f(s.accuracy, 3)]);
  }
  rows.push(['market', f(r.market.rps), f(r.market.logloss), f(r.market.brier), f(r.market.accuracy, 3)]);
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((row) => row[c]!.length)));
  const line = (row: string[]) => row.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join('  ');
  return [
    title,
    `${r.matches} matches; market = ${r.market.source}`,
    line(rows[0]!),
    ...rows.slice(1).map(line),
  ].join('\n');
}
