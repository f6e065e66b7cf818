/**
 * `data add|status|push|pull|checkout`, like their DVC namesakes, over a DvcRepo.
 */
import path from 'node:path';
import type { DvcRepo, TrackedOut } from './repo.ts';
import { selectOuts } from './repo.ts';
import { dvcOutEntry, readDvcFile, writeDvcFile } from './dvcfile.ts';
import { hashPath } from './hash.ts';
import { readDvcYaml } from './dvcyaml.ts';
import { readLock } from './lock.ts';
import { buildPipeline } from './graph.ts';
import { describeStatus, stageStatus } from './status.ts';
import { fetchObjects, pushObjects, remoteHas, type Remote } from './remote.ts';

export interface AddResult {
  path: string;
  dvcFile: string;
  md5: string;
  size: number;
  nfiles?: number;
}

/** Track files or folders: hash, commit to the cache, write `<path>.dvc`, ignore in git. */
export async function addData(repo: DvcRepo, targets: readonly string[]): Promise<AddResult[]> {
  const stageOuts = (await readDvcYaml(repo.root)).flatMap((s) => s.outs.map((o) => ({ stage: s.name, path: o.path })));
  const out: AddResult[] = [];
  for (const t of targets) {
    const rel = repo.rel(t).replace(/\/$/, '');
    if (rel === '' || rel.startsWith('..')) throw new Error(`cannot add "${t}": it must be inside the repository ${repo.root}`);
    if (rel === '.dvc' || rel.startsWith('.dvc/') || rel === '.git' || rel.startsWith('.git/')) throw new Error(`cannot add "${t}": internal folder`);
    const owner = stageOuts.find((o) => o.path === rel || rel.startsWith(`${o.path}/`) || o.path.startsWith(`${rel}/`));
    if (owner) throw new Error(`cannot add "${t}": it is (or holds) an output of stage "${owner.stage}" in dvc.yaml`);
    const info = await hashPath(repo.abs(rel));
    if (!info) throw new Error(`cannot add "${t}": no such file or folder`);
    await repo.cache.save(repo.abs(rel), info);
    const dvcFile = `${rel}.dvc`;
    let flags: Record<string, unknown> = {};
    let rest: Record<string, unknown> = {};
    try {
      const prev = await readDvcFile(repo.abs(dvcFile));
      const { path: _p, md5: _m, size: _s, nfiles: _n, hash: _h, ...keep } = prev.outs[0] ?? { path: '' };
      flags = keep;
      rest = prev.rest;
    } catch {
      // a new .dvc file
    }
    await writeDvcFile(repo.abs(dvcFile), [dvcOutEntry(path.posix.basename(rel), info, flags)], rest);
    await repo.ignore(rel);
    out.push({ path: rel, dvcFile, md5: info.md5, size: info.size, ...(info.isDir ? { nfiles: info.nfiles } : {}) });
  }
  return out;
}

export interface WorkspaceStatus {
  /** Stale pipeline stages with DVC-style reasons. */
  stages: { name: string; reasons: string[] }[];
  /** `.dvc`-tracked data that differs from what its file records. */
  changed: { path: string; source: string; change: 'modified' | 'deleted' | 'not in cache' }[];
}

export async function workspaceStatus(repo: DvcRepo): Promise<WorkspaceStatus> {
  const specs = await readDvcYaml(repo.root);
  const lock = await readLock(repo.root);
  const stages: WorkspaceStatus['stages'] = [];
  if (specs.length) {
    for (const spec of buildPipeline(specs).order) {
      const st = await stageStatus(repo, spec, lock.stages[spec.name]);
      if (st.stale) stages.push({ name: spec.name, reasons: describeStatus(st) });
    }
  }
  const changed: WorkspaceStatus['changed'] = [];
  for (const o of await repo.trackedOuts()) {
    if (o.source.startsWith('dvc.lock:')) continue;
    const now = await hashPath(repo.abs(o.path));
    if (!now) changed.push({ path: o.path, source: o.source, change: (await repo.cache.has(o.md5)) ? 'deleted' : 'not in cache' });
    else if (now.md5 !== o.md5) changed.push({ path: o.path, source: o.source, change: 'modified' });
  }
  return { stages, changed };
}

async function objectIds(repo: DvcRepo, outs: readonly TrackedOut[]): Promise<{ ids: string[]; unknownDirs: TrackedOut[] }> {
  const ids: string[] = [];
  const unknownDirs: TrackedOut[] = [];
  for (const o of outs) {
    const r = await repo.cache.objectsOf(o.md5);
    ids.push(...r.ids);
    if (!r.complete) unknownDirs.push(o);
  }
  return { ids: [...new Set(ids)], unknownDirs };
}

const pushable = (outs: readonly TrackedOut[]) => outs.filter((o) => o.cache && o.push);

/** Upload the cached objects of the tracked outs the remote lacks. */
export async function pushData(repo: DvcRepo, remote: Remote, targets: readonly string[] = [], jobs = 8): Promise<{ pushed: number; missing: string[] }> {
  const outs = pushable(selectOuts(await repo.trackedOuts(), targets, repo));
  const { ids, unknownDirs } = await objectIds(repo, outs);
  const missingLocal = await repo.cache.missing(ids);
  const missing = [...new Set([...unknownDirs.map((o) => o.path), ...outs.filter((o) => missingLocal.some((id) => id === o.md5)).map((o) => o.path)])];
  const pushed = await pushObjects(repo.cache, remote.store, ids.filter((id) => !missingLocal.includes(id)), jobs);
  return { pushed, missing };
}

export interface CheckoutResult {
  restored: string[];
  unchanged: string[];
  /** Modified in the workspace and left alone (use force). */
  conflicts: string[];
  /** Objects missing from the cache. */
  failed: string[];
}

/** Make the workspace match the tracked outs, from the cache. Modified outs need `force`. */
export async function checkoutData(repo: DvcRepo, targets: readonly string[] = [], force = false): Promise<CheckoutResult> {
  const r: CheckoutResult = { restored: [], unchanged: [], conflicts: [], failed: [] };
  for (const o of selectOuts(await repo.trackedOuts(), targets, repo)) {
    if (!o.cache) continue;
    const now = await hashPath(repo.abs(o.path));
    if (now?.md5 === o.md5) {
      r.unchanged.push(o.path);
      continue;
    }
    if (now && !force) {
      r.conflicts.push(o.path);
      continue;
    }
    try {
      await repo.cache.checkout(repo.abs(o.path), o.md5);
      await repo.ignore(o.path);
      r.restored.push(o.path);
    } catch {
      r.failed.push(o.path);
    }
  }
  return r;
}

/** Fetch the tracked outs' objects from the remote into the cache, then check them out. */
export async function pullData(
  repo: DvcRepo,
  remote: Remote,
  targets: readonly string[] = [],
  opts: { force?: boolean; jobs?: number } = {},
): Promise<CheckoutResult & { fetched: number; notOnRemote: string[] }> {
  const outs = selectOuts(await repo.trackedOuts(), targets, repo).filter((o) => o.cache);
  // First the .dir manifests, then what they list.
  const dirs = outs.filter((o) => o.md5.endsWith('.dir')).map((o) => o.md5);
  const dirsMissing = await repo.cache.missing(dirs);
  const absentDirs = await fetchObjects(repo.cache, remote.store, dirsMissing, opts.jobs);
  const { ids } = await objectIds(repo, outs);
  const missing = await repo.cache.missing(ids);
  const absent = await fetchObjects(repo.cache, remote.store, missing, opts.jobs);
  const co = await checkoutData(repo, targets, opts.force);
  return {
    ...co,
    fetched: dirsMissing.length - absentDirs.length + missing.length - absent.length,
    notOnRemote: [...new Set([...absentDirs, ...absent])],
  };
}

/** `status --cloud`: per out, whether its objects are in the cache, on the remote, both or neither. */
export async function cloudStatus(repo: DvcRepo, remote: Remote, targets: readonly string[] = []): Promise<{ path: string; status: 'ok' | 'new' | 'deleted' | 'missing' }[]> {
  const out: { path: string; status: 'ok' | 'new' | 'deleted' | 'missing' }[] = [];
  for (const o of pushable(selectOuts(await repo.trackedOuts(), targets, repo))) {
    const { ids } = await objectIds(repo, [o]);
    const local = (await repo.cache.missing(ids)).length === 0;
    const onRemote = (await remoteHas(remote.store, ids)).size === ids.length;
    out.push({ path: o.path, status: local && onRemote ? 'ok' : local ? 'new' : onRemote ? 'deleted' : 'missing' });
  }
  return out;
}
