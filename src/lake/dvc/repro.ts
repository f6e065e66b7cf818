/**
 * `repro`: walk the pipeline in dependency order and run only the stale stages (DVC's rules,
 * see status.ts); after each run, hash deps and outs, commit cached outs to the local cache,
 * keep them out of git, and record the stage in `dvc.lock` (schema 2.0). A stale stage whose
 * inputs match an earlier run is restored from the run cache instead of being run.
 */
import { spawn } from 'node:child_process';
import { inheritedEnvironment } from '../../config.ts';
import { mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import type { DvcRepo } from './repo.ts';
import { readDvcYaml, type StageSpec } from './dvcyaml.ts';
import { buildPipeline, selectStages } from './graph.ts';
import { lockStage, readLock, writeLock, type LockStage } from './lock.ts';
import { lockEntry, type LockOut } from './dvcfile.ts';
import { hashPath } from './hash.ts';
import { describeStatus, stageStatus } from './status.ts';
import { RunCache, eligible } from './run-cache.ts';

export interface ReproOptions {
  /** Stage names; default every stage. Their upstream stages are included unless `single`. */
  targets?: string[];
  single?: boolean;
  /** Run the selected stages even when nothing changed. */
  force?: boolean;
  /** Only report what would run. */
  dry?: boolean;
  /** Use the run cache (default true). */
  runCache?: boolean;
  /** Environment of the commands (default: this process's). */
  env?: NodeJS.ProcessEnv;
  /** Folders put first on the commands' PATH (e.g. one holding a `time2bet` shim). */
  pathPrefix?: string[];
  /** Progress lines (default: stderr). */
  log?: (line: string) => void;
  /** Where the commands' output goes (default: inherited). */
  stdio?: 'inherit' | 'pipe';
}

export interface ReproResult {
  ran: string[];
  restored: string[];
  upToDate: string[];
  frozen: string[];
}

export class StageFailedError extends Error {
  override name = 'StageFailedError';
}

function runShell(cmd: string, cwd: string, opts: ReproOptions): Promise<number> {
  const env = opts.env ? { ...opts.env } : inheritedEnvironment();
  if (opts.pathPrefix?.length) env.PATH = [...opts.pathPrefix, env.PATH ?? ''].join(path.delimiter);
  return new Promise((resolve, reject) => {
    const child = spawn('/bin/sh', ['-c', cmd], { cwd, env, stdio: opts.stdio === 'pipe' ? ['ignore', 'pipe', 'pipe'] : 'inherit' });
    if (opts.stdio === 'pipe') {
      const log = opts.log ?? ((l: string) => process.stderr.write(`${l}\n`));
      let buf = '';
      const onData = (d: Buffer) => {
        buf += d.toString('utf8');
        const lines = buf.split('\n');
        buf = lines.pop()!;
        for (const l of lines) log(`  ${l}`);
      };
      child.stdout!.on('data', onData);
      child.stderr!.on('data', onData);
      child.on('close', () => buf && log(`  ${buf}`));
    }
    child.on('error', reject);
    child.on('exit', (code, signal) => resolve(code ?? (signal ? 128 : 1)));
  });
}

/** Hash the outs after a run; each must exist. */
async function hashOuts(repo: DvcRepo, spec: StageSpec): Promise<LockOut[]> {
  const outs: LockOut[] = [];
  for (const o of spec.outs) {
    const h = await hashPath(repo.abs(o.path));
    if (!h) throw new StageFailedError(`stage "${spec.name}": output "${o.defPath}" does not exist after running its command`);
    if (o.cache) {
      await repo.cache.save(repo.abs(o.path), h);
      await repo.ignore(o.path);
    }
    outs.push(lockEntry(o.defPath, h));
  }
  return outs;
}

export async function repro(repo: DvcRepo, opts: ReproOptions = {}): Promise<ReproResult> {
  const log = opts.log ?? ((l: string) => process.stderr.write(`${l}\n`));
  const specs = await readDvcYaml(repo.root);
  if (specs.length === 0) throw new Error(`no stages: ${path.join(repo.root, 'dvc.yaml')} is missing or empty`);
  const pipeline = buildPipeline(specs);
  const selected = selectStages(pipeline, opts.targets ?? [], opts.single);
  const order = specs.map((s) => s.name);
  const lock = await readLock(repo.root);
  const runCache = new RunCache(repo.cache.root);
  const result: ReproResult = { ran: [], restored: [], upToDate: [], frozen: [] };
  const wouldRun = new Set<string>();

  for (const spec of selected) {
    if (spec.frozen) {
      log(`Stage '${spec.name}' is frozen, skipping`);
      result.frozen.push(spec.name);
      continue;
    }
    const st = await stageStatus(repo, spec, lock.stages[spec.name]);
    const upstreamWillRun = [...pipeline.upstream.get(spec.name)!].some((u) => wouldRun.has(u));
    if (!st.stale && !opts.force && !(opts.dry && upstreamWillRun)) {
      await commitUnchanged(repo, spec, lock.stages[spec.name]);
      log(`Stage '${spec.name}' didn't change, skipping`);
      result.upToDate.push(spec.name);
      continue;
    }
    if (opts.dry) {
      log(`Would run stage '${spec.name}':`);
      for (const line of st.stale ? describeStatus(st) : ['an upstream stage would run']) log(`\t${line}`);
      wouldRun.add(spec.name);
      result.ran.push(spec.name);
      continue;
    }
    for (const d of spec.deps) {
      if (!st.depHashes.has(d.path)) throw new StageFailedError(`stage "${spec.name}": dependency "${d.defPath}" does not exist`);
    }
    const depEntries = spec.deps.map((d) => lockEntry(d.defPath, st.depHashes.get(d.path)!));
    const probe = lockStage(spec.cmd, depEntries, st.paramValues, []);
    const hit = opts.runCache !== false && !opts.force && eligible(spec) ? await restoreFromRunCache(repo, spec, runCache, probe) : undefined;
    if (hit) {
      lock.stages[spec.name] = lockStage(spec.cmd, depEntries, st.paramValues, hit.outs!);
      await writeLock(repo.root, lock, order);
      log(`Stage '${spec.name}' is cached - skipping run, checking out outputs`);
      result.restored.push(spec.name);
      continue;
    }
    log(`Running stage '${spec.name}':`);
    for (const o of spec.outs) {
      if (!o.persist) await rm(repo.abs(o.path), { recursive: true, force: true });
      await mkdir(path.dirname(repo.abs(o.path)), { recursive: true });
    }
    for (const cmd of Array.isArray(spec.cmd) ? spec.cmd : [spec.cmd]) {
      log(`> ${cmd}`);
      const code = await runShell(cmd, repo.abs(spec.wdir), opts);
      if (code !== 0) throw new StageFailedError(`failed to reproduce '${spec.name}': command exited with code ${code}: ${cmd}`);
    }
    const after = await stageStatus(repo, spec, undefined);
    const deps = spec.deps.map((d) => {
      const h = after.depHashes.get(d.path);
      if (!h) throw new StageFailedError(`stage "${spec.name}": dependency "${d.defPath}" disappeared while it ran`);
      return lockEntry(d.defPath, h);
    });
    const entry = lockStage(spec.cmd, deps, after.paramValues, await hashOuts(repo, spec));
    lock.stages[spec.name] = entry;
    log(`Updating lock file 'dvc.lock'`);
    await writeLock(repo.root, lock, order);
    if (eligible(spec)) await runCache.save(entry);
    result.ran.push(spec.name);
  }
  if (!opts.dry && result.ran.length === 0 && result.restored.length === 0) log('Data and pipelines are up to date.');
  return result;
}

/** Check out the outs of a matching earlier run whose objects are all cached; returns that run. */
async function restoreFromRunCache(repo: DvcRepo, spec: StageSpec, runCache: RunCache, probe: LockStage): Promise<LockStage | undefined> {
  const outs = spec.outs.map((o) => o.defPath);
  for (const past of await runCache.lookup(probe)) {
    if (past.outs!.length !== outs.length || !past.outs!.every((o) => outs.includes(o.path))) continue;
    let complete = true;
    for (const o of past.outs!) {
      const { ids, complete: known } = await repo.cache.objectsOf(o.md5);
      if (!known || (await repo.cache.missing(ids)).length) complete = false;
    }
    if (!complete) continue;
    for (const o of past.outs!) {
      const p = path.posix.normalize(path.posix.join(spec.wdir, o.path));
      await repo.cache.checkout(repo.abs(p), o.md5);
      await repo.ignore(p);
    }
    return past;
  }
  return undefined;
}

/** An up-to-date stage whose cached outs are missing from the cache gets them committed. */
async function commitUnchanged(repo: DvcRepo, spec: StageSpec, entry: LockStage | undefined): Promise<void> {
  for (const o of entry?.outs ?? []) {
    const p = path.posix.normalize(path.posix.join(spec.wdir, o.path));
    if (!spec.outs.find((s) => s.path === p)?.cache || (await repo.cache.has(o.md5))) continue;
    const h = await hashPath(repo.abs(p));
    if (h && h.md5 === o.md5) await repo.cache.save(repo.abs(p), h);
  }
}
