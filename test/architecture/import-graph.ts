/**
 * The import graph of src/ and the rules it must obey (docs/architecture.md): each top-level
 * folder of src/ is an area, areas are ranked, and a file may import only its own area or an
 * area ranked below it, minus a few forbidden pairs. Read with TypeScript's own pre-processor,
 * so static imports, `export … from`, `import type`, side-effect imports, dynamic `import()`
 * and `declare module` augmentations all count.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';

/** Areas from the top (may import everything below) to the bottom (imports no other area). */
export const AREA_ORDER = ['cli', 'web', 'serve', 'orchestrate', 'stages', 'registry', 'monitor', 'tracking', 'ingest', 'lake', 'warehouse', 'ml', 'domain'] as const;

/** Pairs that the ranking would allow but the design forbids: [importer, imported]. */
export const FORBIDDEN: ReadonlyArray<readonly [string, string]> = [
  ['tracking', 'ml'], // the MLflow protocol knows no models
  ['serve', 'ingest'], // serving never scrapes
  ['ingest', 'ml'], // storage does not model
  ['warehouse', 'ml'],
  ['lake', 'ml'],
  ['monitor', 'ingest'],
];

/**
 * Top-level files of src/: `cli.ts` (the entry, imported only by bin/) may import anything;
 * `config*.ts` (configuration, read once and passed down) may import only domain/, and every
 * area but ml/ and domain/ may import it.
 */
export function areaOf(srcRelative: string): string {
  const parts = srcRelative.split('/');
  if (parts.length > 1) return parts[0]!;
  if (parts[0] === 'cli.ts') return 'entry';
  if (/^config(-[a-z-]+)?\.ts$/.test(parts[0]!)) return 'config';
  return `top:${parts[0]}`;
}

export interface Edge {
  from: string; // file, relative to src/
  to: string; // file, relative to src/
}

/** Every import between files of src/ (bare package imports are not edges). */
export function readImportGraph(srcDir: string): Edge[] {
  const edges: Edge[] = [];
  const walk = (dir: string): void => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, e.name);
      if (e.isDirectory()) walk(full);
      else if (/\.(ts|mts|cts)$/.test(e.name) && !e.name.endsWith('.d.ts')) {
        const info = ts.preProcessFile(readFileSync(full, 'utf8'), true, true);
        for (const f of info.importedFiles) {
          if (!f.fileName.startsWith('.')) continue;
          const target = path.resolve(path.dirname(full), f.fileName);
          edges.push({ from: rel(srcDir, full), to: rel(srcDir, target) });
        }
      }
    }
  };
  walk(srcDir);
  return edges;
}

function rel(srcDir: string, file: string): string {
  return path.relative(srcDir, file).split(path.sep).join('/');
}

/** Why an import between two areas is not allowed, or undefined when it is. */
export function violation(fromArea: string, toArea: string): string | undefined {
  if (fromArea === toArea) return undefined;
  if (toArea.startsWith('..') || toArea.startsWith('top:') || fromArea.startsWith('top:')) {
    return `${toArea.startsWith('..') ? 'leaves src/' : 'a top-level file outside the known ones (cli.ts, config*.ts)'}`;
  }
  if (toArea === 'entry') return 'src/cli.ts is the entry point, imported only by bin/';
  if (fromArea === 'entry') return undefined;
  if (toArea === 'config') return fromArea === 'ml' || fromArea === 'domain' ? `${fromArea}/ is pure: configuration is passed in, not imported` : undefined;
  if (fromArea === 'config') return toArea === 'domain' ? undefined : 'configuration imports only domain/';
  const from = AREA_ORDER.indexOf(fromArea as (typeof AREA_ORDER)[number]);
  const to = AREA_ORDER.indexOf(toArea as (typeof AREA_ORDER)[number]);
  if (from < 0) return `${fromArea}/ is not a known area (add it to AREA_ORDER and docs/architecture.md)`;
  if (to < 0) return `${toArea}/ is not a known area (add it to AREA_ORDER and docs/architecture.md)`;
  if (to < from) return `${fromArea}/ sits below ${toArea}/: imports point down only`;
  if (FORBIDDEN.some(([a, b]) => a === fromArea && b === toArea)) return `${fromArea}/ must never import ${toArea}/`;
  return undefined;
}

/** Imports that break the rules, as "from -> to: reason" lines (sorted). */
export function violations(edges: readonly Edge[], allowed: ReadonlySet<string> = new Set()): string[] {
  const out: string[] = [];
  for (const e of edges) {
    const why = violation(areaOf(e.from), e.to.startsWith('..') ? '..' : areaOf(e.to));
    if (why && !allowed.has(`${e.from} -> ${e.to}`)) out.push(`${e.from} -> ${e.to}: ${why}`);
  }
  return out.sort();
}

/** Cycles between areas (strongly connected components of the area graph with more than one area). */
export function areaCycles(edges: readonly Edge[]): string[][] {
  const next = new Map<string, Set<string>>();
  for (const e of edges) {
    const a = areaOf(e.from);
    const b = areaOf(e.to);
    if (a === b) continue;
    if (!next.has(a)) next.set(a, new Set());
    next.get(a)!.add(b);
  }
  // Tarjan's algorithm.
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const out: string[][] = [];
  let i = 0;
  const visit = (v: string): void => {
    index.set(v, i);
    low.set(v, i++);
    stack.push(v);
    onStack.add(v);
    for (const w of next.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const scc: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        scc.push(w);
      } while (w !== v);
      if (scc.length > 1) out.push(scc.sort());
    }
  };
  for (const v of [...next.keys()].sort()) if (!index.has(v)) visit(v);
  return out;
}
