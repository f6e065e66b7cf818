/**
 * The model-quality report: Markdown tables and a hand-written SVG reliability plot from
 * quality.ts reports. Pure: strings in, strings out (the command writes the files).
 */
import type { Calibration } from './calibration.ts';
import type { QualityReport } from './quality.ts';

const f4 = (x: number | undefined) => (x === undefined || !Number.isFinite(x) ? '—' : x.toFixed(4));
const sg = (x: number | undefined, d = 4) => (x === undefined || !Number.isFinite(x) ? '—' : `${x >= 0 ? '+' : '−'}${Math.abs(x).toFixed(d)}`);

export function isMarketAware(name: string): boolean {
  return name.endsWith('+market');
}

/** Best model by pooled RPS among those passing `keep`. */
export function bestModel(q: QualityReport, keep: (name: string) => boolean): string | undefined {
  return q.models.filter(keep).sort((a, b) => q.pooled.models[a]!.rps - q.pooled.models[b]!.rps)[0];
}

/** Pooled table: every model with its scores and paired gaps to the market. */
export function pooledTable(q: QualityReport): string {
  const rows = [
    '| model | RPS | gap to market ± se | gap vs Pinnacle pre-match | log loss | log-loss gap ± se | Brier | accuracy | ECE (H / D / A) |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|',
  ];
  const names = [...q.models].sort((a, b) => q.pooled.models[a]!.rps - q.pooled.models[b]!.rps);
  for (const n of names) {
    const s = q.pooled.models[n]!;
    const g = q.gaps[n]!;
    const c = q.calibration[n]!;
    rows.push(
      `| ${n} | ${f4(s.rps)} | ${sg(g.rps.mean)} ± ${f4(g.rps.se)} | ${sg(g.rpsVsPinnaclePre?.mean)} | ${f4(s.logloss)} | ${sg(g.logloss.mean)} ± ${f4(g.logloss.se)} | ${f4(s.brier)} | ${s.accuracy.toFixed(3)} | ${c.home.ece.toFixed(3)} / ${c.draw.ece.toFixed(3)} / ${c.away.ece.toFixed(3)} |`,
    );
  }
  const m = q.pooled.market;
  const mc = q.calibration.market!;
  rows.push(`| **market** (${m.source}) | ${f4(m.rps)} | 0 | — | ${f4(m.logloss)} | 0 | ${f4(m.brier)} | ${m.accuracy.toFixed(3)} | ${mc.home.ece.toFixed(3)} / ${mc.draw.ece.toFixed(3)} / ${mc.away.ece.toFixed(3)} |`);
  return rows.join('\n');
}

/** Per-season RPS gaps (model − market) of the chosen models. */
export function seasonTable(q: QualityReport, names: readonly string[]): string {
  const head = `| league | season | matches | market RPS | ${names.map((n) => `${n} gap`).join(' | ')} |`;
  const sep = `|---|---|---:|---:|${names.map(() => '---:').join('|')}|`;
  const rows = q.segments.map((s) => `| ${s.league} | ${s.season} | ${s.matches} | ${f4(s.market.rps)} | ${names.map((n) => `${sg(s.gaps[n]!.rps.mean)} ± ${f4(s.gaps[n]!.rps.se)}`).join(' | ')} |`);
  const pooled = `| **pooled** | | ${q.pooled.matches} | ${f4(q.pooled.market.rps)} | ${names.map((n) => `**${sg(q.gaps[n]!.rps.mean)}** ± ${f4(q.gaps[n]!.rps.se)}`).join(' | ')} |`;
  return [head, sep, ...rows, pooled].join('\n');
}

/** Reliability table of one model: per outcome, bins with forecasts, mean forecast and observed frequency. */
export function reliabilityTable(name: string, c: Calibration): string {
  const rows = [`| ${name} | bin | matches | mean forecast | observed |`, '|---|---|---:|---:|---:|'];
  for (const k of ['home', 'draw', 'away'] as const) {
    for (const b of c[k].bins) rows.push(`| ${k} | ${b.lo.toFixed(1)}–${b.hi.toFixed(1)} | ${b.n} | ${b.meanForecast.toFixed(3)} | ${b.observed.toFixed(3)} |`);
  }
  return rows.join('\n');
}

const COLOURS = ['#222222', '#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#ff7f0e'];

/**
 * Reliability diagram: one panel per outcome (home win, draw, away win), forecast probability
 * against observed frequency, a dot per bin (area ∝ matches) joined by lines, the diagonal.
 */
export function reliabilitySvg(series: readonly { name: string; calibration: Calibration }[], title: string): string {
  const W = 960;
  const H = 420;
  const panel = 280;
  const top = 50;
  const left = 50;
  const gap = 30;
  const out: string[] = [];
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="12">`);
  out.push(`<rect width="${W}" height="${H}" fill="#ffffff"/>`);
  out.push(`<text x="${W / 2}" y="20" text-anchor="middle" font-size="15">${escapeXml(title)}</text>`);
  (['home', 'draw', 'away'] as const).forEach((k, p) => {
    const x0 = left + p * (panel + gap);
    const y0 = top;
    const sx = (v: number) => x0 + v * panel;
    const sy = (v: number) => y0 + panel - v * panel;
    const max = k === 'draw' ? 0.5 : 1;
    const X = (v: number) => sx(v / max);
    const Y = (v: number) => sy(v / max);
    out.push(`<rect x="${x0}" y="${y0}" width="${panel}" height="${panel}" fill="#fafafa" stroke="#999"/>`);
    for (let t = 0; t <= 5; t++) {
      const v = (t / 5) * max;
      out.push(`<line x1="${X(v)}" y1="${y0 + panel}" x2="${X(v)}" y2="${y0 + panel + 4}" stroke="#999"/>`);
      out.push(`<text x="${X(v)}" y="${y0 + panel + 16}" text-anchor="middle" fill="#555">${v.toFixed(1)}</text>`);
      out.push(`<line x1="${x0 - 4}" y1="${Y(v)}" x2="${x0}" y2="${Y(v)}" stroke="#999"/>`);
      out.push(`<text x="${x0 - 6}" y="${Y(v) + 4}" text-anchor="end" fill="#555">${v.toFixed(1)}</text>`);
    }
    out.push(`<line x1="${X(0)}" y1="${Y(0)}" x2="${X(max)}" y2="${Y(max)}" stroke="#bbb" stroke-dasharray="4 3"/>`);
    out.push(`<text x="${x0 + panel / 2}" y="${y0 - 8}" text-anchor="middle" font-size="13">${k === 'home' ? 'home win' : k === 'draw' ? 'draw' : 'away win'}</text>`);
    out.push(`<text x="${x0 + panel / 2}" y="${y0 + panel + 32}" text-anchor="middle" fill="#333">forecast probability</text>`);
    if (p === 0) out.push(`<text x="14" y="${y0 + panel / 2}" text-anchor="middle" fill="#333" transform="rotate(-90 14 ${y0 + panel / 2})">observed frequency</text>`);
    series.forEach((s, i) => {
      const bins = s.calibration[k].bins.filter((b) => b.n >= 10 && b.meanForecast <= max && b.observed <= max);
      const colour = COLOURS[i % COLOURS.length]!;
      if (bins.length > 1) out.push(`<polyline fill="none" stroke="${colour}" stroke-width="1.5" points="${bins.map((b) => `${X(b.meanForecast).toFixed(1)},${Y(b.observed).toFixed(1)}`).join(' ')}"/>`);
      for (const b of bins) out.push(`<circle cx="${X(b.meanForecast).toFixed(1)}" cy="${Y(b.observed).toFixed(1)}" r="${Math.max(2, Math.min(7, Math.sqrt(b.n) / 4)).toFixed(1)}" fill="${colour}" fill-opacity="0.75"/>`);
    });
  });
  series.forEach((s, i) => {
    const x = left + i * 190;
    out.push(`<rect x="${x}" y="${H - 26}" width="12" height="12" fill="${COLOURS[i % COLOURS.length]}"/>`);
    out.push(`<text x="${x + 16}" y="${H - 16}">${escapeXml(s.name)} (ECE ${s.calibration.ece.toFixed(3)})</text>`);
  });
  out.push('</svg>');
  return `${out.join('\n')}\n`;
}

function escapeXml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

export interface ReportSection {
  title: string;
  report: QualityReport;
  /** Print the per-season table (default true). */
  perSeason?: boolean;
}

export interface ReportInput {
  /** The command that generated it (printed in the report). */
  command: string;
  /** The headline evaluation (E0 2015-16..2022-23) and the wider one (all leagues). */
  sections: ReportSection[];
  plotFile: string;
  /** Free-form lines (timings, data, configuration). */
  notes: string[];
}

export function qualityMarkdown(input: ReportInput): string {
  const out: string[] = [];
  out.push('# Model quality');
  out.push('');
  out.push(`Generated by \`${input.command}\`. Do not edit by hand: re-run the command.`);
  out.push('');
  out.push(
    'Every match is predicted walk-forward (weekly refits on a Monday grid, fitted only on matches before the refit day; features computed from matches before the kick-off day) and scored next to the market on the same matches. The market is Pinnacle closing 1X2 odds with the margin removed proportionally (multiplicative). A gap is model − market per match, averaged; ± is its standard error (sd/√n). Negative is better than the market. RPS, log loss (natural log), multiclass Brier (0–2 convention) and accuracy. Names ending in `+market` also read the PRE-MATCH price (never closing); every other model reads results and match statistics only. Hyper-parameters are tuned inside the training data at each season cut-off (1 July), never on a test season.',
  );
  out.push('');
  for (const line of input.notes) out.push(`- ${line}`);
  out.push('');
  out.push('How the forecasts are made (src/ml):');
  out.push('');
  out.push('- Point-in-time features (features.ts; one function, offline and when serving): Elo difference; pi-ratings; Dixon-Coles attack/defence, expected goals and H/D/A (refitted as results arrive, warm-started); a Poisson model of shots on target; form over the last 3, 6 and 12 matches (points, goals, shots, shots on target); rest days; the league’s home advantage, draw rate and goals; newcomer intensity, with promoted teams entering at a prior from their previous league when it is in the data (E1 → E0), else the weakest teams’ average; and, for `+market` models only, the pre-match price.');
  out.push('- Hyper-parameters: Elo K, pi-ratings λ/γ and the time decay ξ of the goal models are chosen at every 1 July cut-off by walking the two seasons before it forward (8-weekly refits); the L2 strength of the softmax and of the stacks by fitting on the rows before the last season and scoring that season. No test season informs its own hyper-parameters.');
  out.push('- `+market` models use the pre-match log-odds as an offset and learn corrections to them, shrunk towards zero by the tuned L2; a correction is kept only when it helped out of sample before the season.');
  out.push('');
  for (const sec of input.sections) {
    const q = sec.report;
    const bestResults = bestModel(q, (n) => !isMarketAware(n));
    const bestMarket = bestModel(q, isMarketAware);
    out.push(`## ${sec.title}`);
    out.push('');
    out.push(`${q.pooled.matches} matches in ${q.segments.length} league-seasons; market RPS ${f4(q.pooled.market.rps)}.`);
    out.push('');
    if (bestResults) out.push(`- Best results-only model: **${bestResults}**, pooled RPS gap **${sg(q.gaps[bestResults]!.rps.mean)} ± ${f4(q.gaps[bestResults]!.rps.se)}** (target ≤ +0.0040).`);
    if (bestMarket) {
      const g = q.gaps[bestMarket]!;
      out.push(`- Best market-aware model: **${bestMarket}**, pooled RPS gap to closing **${sg(g.rps.mean)} ± ${f4(g.rps.se)}** (target ≤ +0.0015); against the Pinnacle pre-match price it is given: **${sg(g.rpsVsPinnaclePre?.mean)} ± ${f4(g.rpsVsPinnaclePre?.se)}** (target < 0).`);
    }
    if (q.pinnaclePre) out.push(`- The Pinnacle pre-match price itself: ${sg(q.pinnaclePre.gapToMarket.mean)} ± ${f4(q.pinnaclePre.gapToMarket.se)} behind closing on ${q.pinnaclePre.matches} matches.`);
    out.push('');
    out.push('### Pooled');
    out.push('');
    out.push(pooledTable(q));
    out.push('');
    if (sec.perSeason !== false) {
      const shown = [...new Set([bestResults, bestMarket, 'elo', 'dixon-coles'].filter((n): n is string => !!n && q.models.includes(n)))];
      out.push('### Per season (RPS gap to the market)');
      out.push('');
      out.push(seasonTable(q, shown));
      out.push('');
    }
  }
  const main = input.sections[0]!.report;
  const bestResults = bestModel(main, (n) => !isMarketAware(n));
  const bestMarket = bestModel(main, isMarketAware);
  const plotted = [...new Set(['market', bestResults, bestMarket, 'dixon-coles'].filter((n): n is string => !!n && (n === 'market' || main.models.includes(n))))];
  out.push('## Calibration');
  out.push('');
  out.push(`Reliability of ${input.sections[0]!.title} forecasts, per outcome (10 equal-width bins; ECE = Σ bin share × |mean forecast − observed|; bins with fewer than 10 matches are not drawn):`);
  out.push('');
  out.push(`![reliability diagram](${input.plotFile})`);
  out.push('');
  out.push('| model | ECE | home | draw | away | mean draw forecast | observed draws |');
  out.push('|---|---:|---:|---:|---:|---:|---:|');
  for (const n of ['market', ...main.models]) {
    const c = main.calibration[n]!;
    out.push(`| ${n} | ${c.ece.toFixed(4)} | ${c.home.ece.toFixed(4)} | ${c.draw.ece.toFixed(4)} | ${c.away.ece.toFixed(4)} | ${c.draw.meanForecast.toFixed(3)} | ${c.draw.observed.toFixed(3)} |`);
  }
  out.push('');
  for (const n of plotted) {
    out.push(`<details><summary>Reliability table: ${n}</summary>`);
    out.push('');
    out.push(reliabilityTable(n, main.calibration[n]!));
    out.push('');
    out.push('</details>');
    out.push('');
  }
  return `${out.join('\n')}\n`;
}

/** The plotted series of the report's first section (market, best results-only, best market-aware, dixon-coles). */
export function plotSeries(q: QualityReport): { name: string; calibration: Calibration }[] {
  const bestResults = bestModel(q, (n) => !isMarketAware(n));
  const bestMarket = bestModel(q, isMarketAware);
  const names = [...new Set(['market', bestResults, bestMarket, 'dixon-coles'].filter((n): n is string => !!n && (n === 'market' || q.models.includes(n))))];
  return names.map((n) => ({ name: n, calibration: q.calibration[n]! }));
}
