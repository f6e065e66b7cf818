/** The bundled football-data.co.uk CSVs, and small tools to make broken or corrected copies of them. */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { after } from 'node:test';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const FOOTBALL_DATA_DIR = path.join(REPO_ROOT, 'data', 'football-data');

/** Absolute path of a bundled file, e.g. `bundled('E0/2022-2023.csv')`. */
export function bundled(rel: string): string {
  return path.join(FOOTBALL_DATA_DIR, rel);
}

/** A bundled file's text, byte for byte (BOM and line endings kept). */
export function readBundled(rel: string): string {
  return readFileSync(bundled(rel), 'utf8');
}

/** A temporary folder removed after the test file. */
export function tempDir(prefix = 't2b-ingest-'): string {
  const dir = mkdtempSync(path.join(tmpdir(), prefix));
  after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

export function writeFile(dir: string, rel: string, text: string): string {
  const p = path.join(dir, rel);
  mkdirSync(path.dirname(p), { recursive: true });
  writeFileSync(p, text);
  return p;
}

/**
 * Edit fields of the row on 1-based `line` by header name, keeping the file's BOM and line
 * endings. (football-data files have no quoted fields, so a plain split is exact.)
 */
export function editRow(text: string, line: number, edits: Record<string, string>): string {
  const lines = text.split(/(?<=\n)/);
  const header = lines[0].replace(/^\uFEFF/, '').replace(/\r?\n$/, '').split(',');
  const target = lines[line - 1];
  if (target === undefined) throw new Error(`no line ${line}`);
  const eol = /\r?\n$/.exec(target)?.[0] ?? '';
  const fields = target.slice(0, target.length - eol.length).split(',');
  for (const [name, value] of Object.entries(edits)) {
    const i = header.indexOf(name);
    if (i < 0) throw new Error(`no column ${name}`);
    fields[i] = value;
  }
  lines[line - 1] = fields.join(',') + eol;
  return lines.join('');
}

/** Replace the row on 1-based `line` with raw text (line ending kept). */
export function replaceLine(text: string, line: number, raw: string): string {
  const lines = text.split(/(?<=\n)/);
  const target = lines[line - 1];
  const eol = /\r?\n$/.exec(target)?.[0] ?? '';
  lines[line - 1] = raw + eol;
  return lines.join('');
}

/** Field values of the row on 1-based `line`, by header name. */
export function rowAt(text: string, line: number): Record<string, string> {
  const lines = text.split(/\r?\n/);
  const header = lines[0].replace(/^\uFEFF/, '').split(',');
  const fields = lines[line - 1].split(',');
  return Object.fromEntries(header.map((h, i) => [h, fields[i]]));
}

/** 1-based line of the last non-empty row. */
export function lastRowLine(text: string): number {
  const lines = text.split(/\r?\n/);
  for (let i = lines.length - 1; i >= 0; i--) if (lines[i].replace(/,/g, '').trim() !== '') return i + 1;
  throw new Error('empty file');
}
