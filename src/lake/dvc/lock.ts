/**
 * `dvc.lock` (schema 2.0) and params files. A lock entry is `cmd`, `deps` (sorted by path),
 * `params` ({file: {key: value}}, params.yaml first, keys sorted) and `outs` (sorted by path,
 * metrics included), as DVC writes them.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { dumpYaml, parseYaml, writeTextAtomically, type LockOut } from './dvcfile.ts';
import { comparePy } from './hash.ts';
import { DEFAULT_PARAMS_FILE, type ParamSpec } from './dvcyaml.ts';

export interface LockStage {
  cmd: string | string[];
  deps?: LockOut[];
  params?: Record<string, Record<string, unknown>>;
  outs?: LockOut[];
}

export interface LockFile {
  schema: '2.0';
  stages: Record<string, LockStage>;
}

export async function readLock(root: string): Promise<LockFile> {
  let text: string;
  try {
    text = await readFile(path.join(root, 'dvc.lock'), 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { schema: '2.0', stages: {} };
    throw e;
  }
  const v = parseYaml(text, 'dvc.lock') as Partial<LockFile> | null;
  if (!v || v.schema !== '2.0') throw new Error(`dvc.lock: expected schema '2.0' (DVC 2/3 lock files), found ${JSON.stringify(v?.schema)}`);
  return { schema: '2.0', stages: (v.stages ?? {}) as Record<string, LockStage> };
}

/** Stages in `order` first (as in dvc.yaml), entries of removed stages dropped. */
export async function writeLock(root: string, lock: LockFile, order: readonly string[]): Promise<void> {
  const stages: Record<string, LockStage> = {};
  for (const name of order) if (lock.stages[name]) stages[name] = lock.stages[name]!;
  await writeTextAtomically(path.join(root, 'dvc.lock'), dumpYaml({ schema: '2.0', stages }));
}

/** A lock entry with DVC's ordering of deps, params and outs. */
export function lockStage(cmd: string | string[], deps: LockOut[], params: Record<string, Record<string, unknown>>, outs: LockOut[]): LockStage {
  const byPath = (a: LockOut, b: LockOut) => comparePy(a.path, b.path);
  const entry: LockStage = { cmd };
  if (deps.length) entry.deps = [...deps].sort(byPath);
  const files = Object.keys(params).sort((a, b) => (a === DEFAULT_PARAMS_FILE ? -1 : b === DEFAULT_PARAMS_FILE ? 1 : comparePy(a, b)));
  if (files.length) {
    entry.params = {};
    for (const f of files) {
      const keys = Object.keys(params[f]!).sort(comparePy);
      entry.params[f] = Object.fromEntries(keys.map((k) => [k, params[f]![k]]));
    }
  }
  if (outs.length) entry.outs = [...outs].sort(byPath);
  return entry;
}

/** Parsed params file (YAML or JSON); undefined when the file is missing. */
export async function readParamsFile(abs: string): Promise<unknown> {
  const ext = path.extname(abs).toLowerCase();
  if (!['.yaml', '.yml', '.json'].includes(ext)) throw new Error(`${abs}: only YAML and JSON params files are supported`);
  let value: unknown;
  try {
    value = parseYaml(await readFile(abs, 'utf8'), abs) ?? {};
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    value = undefined;
  }
  return value;
}

/** The value at a dotted key (`train.elo.k`); undefined when absent. */
export function paramValue(doc: unknown, key: string): unknown {
  let v: unknown = doc;
  for (const part of key.split('.')) {
    if (v === null || typeof v !== 'object' || Array.isArray(v) || !(part in (v as object))) return undefined;
    v = (v as Record<string, unknown>)[part];
  }
  return v;
}

/** Current values of a stage's params, as {file: {key: value}}; throws on a missing file or key. */
export async function currentParams(root: string, specs: readonly ParamSpec[], stage: string): Promise<Record<string, Record<string, unknown>>> {
  const out: Record<string, Record<string, unknown>> = {};
  for (const spec of specs) {
    const doc = await readParamsFile(path.join(root, spec.file));
    if (doc === undefined) throw new Error(`stage "${stage}": params file ${spec.defFile} does not exist`);
    const values: Record<string, unknown> = {};
    for (const key of spec.keys) {
      const v = paramValue(doc, key);
      if (v === undefined) throw new Error(`stage "${stage}": param "${key}" is missing from ${spec.defFile}`);
      values[key] = v;
    }
    out[spec.defFile] = values;
  }
  return out;
}
