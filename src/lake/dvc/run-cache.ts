/**
 * The run cache: lock entries of past runs under `.dvc/cache/runs/<2>/<62>/<sha256>`, keyed by
 * sha256 of (cmd, deps, params). When a stale stage's inputs match a past run whose outs are
 * all in the cache, its outs are checked out instead of running the command. Only stages whose
 * outs are all cached (and not persisted or always_changed) take part, as in DVC.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { stableJson } from '../../domain/stable-json.ts';
import { dumpYaml, parseYaml } from './dvcfile.ts';
import type { LockStage } from './lock.ts';
import type { StageSpec } from './dvcyaml.ts';

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

export function eligible(spec: StageSpec): boolean {
  return !spec.alwaysChanged && spec.outs.length > 0 && spec.outs.every((o) => o.cache && !o.persist);
}

function runKey(entry: LockStage): string {
  const { cmd, deps, params } = entry;
  return sha256(stableJson({ cmd, deps: (deps ?? []).map((d) => ({ path: d.path, md5: d.md5 })), params: params ?? {} }));
}

export class RunCache {
  constructor(private readonly cacheRoot: string) {}

  #dir(key: string): string {
    return path.join(this.cacheRoot, 'runs', key.slice(0, 2), key.slice(2));
  }

  /** Remember a finished run. */
  async save(entry: LockStage): Promise<void> {
    const dir = this.#dir(runKey(entry));
    const text = dumpYaml(entry);
    const file = path.join(dir, sha256(stableJson(entry)));
    await mkdir(dir, { recursive: true });
    const tmp = `${file}.tmp-${randomBytes(4).toString('hex')}`;
    await writeFile(tmp, text);
    await rename(tmp, file);
  }

  /** Past runs with the same cmd, deps and params (newest first is not tracked; any order). */
  async lookup(probe: LockStage): Promise<LockStage[]> {
    const dir = this.#dir(runKey(probe));
    let names: string[];
    try {
      names = (await readdir(dir)).filter((n) => /^[0-9a-f]{64}$/.test(n));
    } catch {
      return [];
    }
    const out: LockStage[] = [];
    for (const n of names.sort()) {
      const v = parseYaml(await readFile(path.join(dir, n), 'utf8'), n) as LockStage | null;
      if (v && Array.isArray(v.outs)) out.push(v);
    }
    return out;
  }
}
