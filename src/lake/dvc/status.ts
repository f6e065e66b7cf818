/**
 * Is a pipeline stage stale? DVC's rules, each reported separately: no lock entry, changed
 * cmd, a changed/missing/new dep, a changed/new/removed param, a missing or changed out,
 * `always_changed`. Frozen stages are never stale.
 */
import { isDeepStrictEqual } from 'node:util';
import type { DvcRepo } from './repo.ts';
import type { StageSpec } from './dvcyaml.ts';
import { currentParams, type LockStage } from './lock.ts';
import { hashPath, type HashInfo } from './hash.ts';

export type Change = 'modified' | 'deleted' | 'new';

export interface StageStatus {
  name: string;
  stale: boolean;
  frozen: boolean;
  noLock: boolean;
  cmd: boolean;
  alwaysChanged: boolean;
  deps: { path: string; change: Change }[];
  params: { file: string; key: string; change: Change }[];
  outs: { path: string; change: Change }[];
  /** Hashes of the deps as found now (missing deps absent). */
  depHashes: Map<string, HashInfo>;
  paramValues: Record<string, Record<string, unknown>>;
}

const resolveLockPath = (spec: StageSpec, p: string) => (spec.wdir === '.' ? p : `${spec.wdir}/${p}`);

export async function stageStatus(repo: DvcRepo, spec: StageSpec, entry: LockStage | undefined): Promise<StageStatus> {
  const st: StageStatus = {
    name: spec.name,
    stale: false,
    frozen: spec.frozen,
    noLock: !entry,
    cmd: false,
    alwaysChanged: spec.alwaysChanged,
    deps: [],
    params: [],
    outs: [],
    depHashes: new Map(),
    paramValues: {},
  };
  for (const d of spec.deps) {
    const h = await hashPath(repo.abs(d.path));
    if (h) st.depHashes.set(d.path, h);
  }
  st.paramValues = await currentParams(repo.root, spec.params, spec.name);
  if (spec.frozen) return st;
  if (entry) {
    st.cmd = !isDeepStrictEqual(entry.cmd, spec.cmd);
    const lockDeps = new Map((entry.deps ?? []).map((d) => [resolveLockPath(spec, d.path), d]));
    for (const d of spec.deps) {
      const locked = lockDeps.get(d.path);
      const now = st.depHashes.get(d.path);
      if (!now) st.deps.push({ path: d.path, change: 'deleted' });
      else if (!locked) st.deps.push({ path: d.path, change: 'new' });
      else if (locked.md5 !== now.md5) st.deps.push({ path: d.path, change: 'modified' });
      lockDeps.delete(d.path);
    }
    for (const p of lockDeps.keys()) st.deps.push({ path: p, change: 'deleted' });
    const lockParams = entry.params ?? {};
    for (const [file, values] of Object.entries(st.paramValues)) {
      const locked = lockParams[file] ?? {};
      for (const [key, v] of Object.entries(values)) {
        if (!(key in locked)) st.params.push({ file, key, change: 'new' });
        else if (!isDeepStrictEqual(locked[key], v)) st.params.push({ file, key, change: 'modified' });
      }
      for (const key of Object.keys(locked)) if (!(key in values)) st.params.push({ file, key, change: 'deleted' });
    }
    for (const file of Object.keys(lockParams)) {
      if (!(file in st.paramValues)) for (const key of Object.keys(lockParams[file]!)) st.params.push({ file, key, change: 'deleted' });
    }
  }
  const lockOuts = new Map((entry?.outs ?? []).map((o) => [resolveLockPath(spec, o.path), o]));
  for (const o of spec.outs) {
    const now = await hashPath(repo.abs(o.path));
    const locked = lockOuts.get(o.path);
    if (!now) st.outs.push({ path: o.path, change: 'deleted' });
    else if (entry && !locked) st.outs.push({ path: o.path, change: 'new' });
    else if (locked && locked.md5 !== now.md5) st.outs.push({ path: o.path, change: 'modified' });
    lockOuts.delete(o.path);
  }
  if (entry) for (const p of lockOuts.keys()) st.outs.push({ path: p, change: 'deleted' });
  st.stale = st.noLock || st.cmd || st.deps.length > 0 || st.params.length > 0 || st.outs.length > 0 || st.alwaysChanged;
  return st;
}

/** DVC-style lines: "changed deps:", "    modified: data/x", "changed command", … */
export function describeStatus(st: StageStatus): string[] {
  const lines: string[] = [];
  if (st.noLock) lines.push('no lock entry (never run)');
  if (st.cmd) lines.push('changed command');
  const group = (title: string, items: { path: string; change: Change }[]) => {
    if (items.length === 0) return;
    lines.push(`changed ${title}:`);
    for (const i of items) lines.push(`    ${`${i.change}:`.padEnd(10)} ${i.path}`);
  };
  group('deps', st.deps);
  group(
    'params',
    st.params.map((p) => ({ path: `${p.file}: ${p.key}`, change: p.change })),
  );
  group('outs', st.outs);
  if (st.alwaysChanged) lines.push('always changed');
  return lines;
}
