/**
 * A DVC repository on disk: the folder holding `.dvc/`, its cache, its `.dvc` files and the
 * outs recorded in `dvc.lock`.
 */
import { execFile } from 'node:child_process';
import { appendFile, mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { LocalCache } from './cache.ts';
import { readDvcFile } from './dvcfile.ts';
import { readDvcYaml } from './dvcyaml.ts';
import { readLock } from './lock.ts';

const run = promisify(execFile);

export interface TrackedOut {
  /** Relative to the repository root, POSIX. */
  path: string;
  md5: string;
  size?: number;
  nfiles?: number;
  cache: boolean;
  push: boolean;
  /** The `.dvc` file, or `dvc.lock:<stage>`, that records it. */
  source: string;
}

const SKIP_DIRS = new Set(['.git', '.dvc', 'node_modules', '.time2bet']);

export class DvcRepo {
  readonly cache: LocalCache;
  constructor(readonly root: string) {
    this.cache = new LocalCache(path.join(root, '.dvc', 'cache'));
  }

  /** The repository containing `start` (walking up to the folder that holds `.dvc/`). */
  static async find(start: string = process.cwd()): Promise<DvcRepo> {
    let dir = path.resolve(start);
    for (;;) {
      try {
        if ((await stat(path.join(dir, '.dvc'))).isDirectory()) return new DvcRepo(dir);
      } catch {
        // keep walking up
      }
      const parent = path.dirname(dir);
      if (parent === dir) throw new Error(`not a DVC repository (no .dvc folder in ${path.resolve(start)} or above): run \`time2bet data init\``);
      dir = parent;
    }
  }

  /** Create `.dvc/` (config and .gitignore) like `dvc init`; a no-op when it exists. */
  static async init(dir: string): Promise<DvcRepo> {
    const dvc = path.join(dir, '.dvc');
    await mkdir(dvc, { recursive: true });
    const write = async (f: string, text: string) => {
      try {
        await writeFile(path.join(dvc, f), text, { flag: 'wx' });
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      }
    };
    await write('config', '');
    await write('.gitignore', '/config.local\n/tmp\n/cache\n');
    return new DvcRepo(path.resolve(dir));
  }

  abs(rel: string): string {
    return path.join(this.root, ...rel.split('/'));
  }

  rel(abs: string): string {
    return path.relative(this.root, path.resolve(abs)).split(path.sep).join('/');
  }

  /** Every `.dvc` file in the repository (root-relative, sorted). */
  async dvcFiles(): Promise<string[]> {
    const out: string[] = [];
    const walk = async (dir: string, rel: string): Promise<void> => {
      for (const e of await readdir(dir, { withFileTypes: true })) {
        const r = rel ? `${rel}/${e.name}` : e.name;
        if (e.isDirectory()) {
          if (!SKIP_DIRS.has(e.name)) await walk(path.join(dir, e.name), r);
        } else if (e.isFile() && e.name.endsWith('.dvc')) out.push(r);
      }
    };
    await walk(this.root, '');
    return out.sort();
  }

  /** Outs recorded in `.dvc` files and in `dvc.lock` (with their dvc.yaml flags). */
  async trackedOuts(): Promise<TrackedOut[]> {
    const out: TrackedOut[] = [];
    for (const f of await this.dvcFiles()) {
      const file = await readDvcFile(this.abs(f));
      const dir = path.posix.dirname(f);
      for (const o of file.outs) {
        if (!o.md5) continue;
        out.push({
          path: path.posix.normalize(path.posix.join(dir, o.path)),
          md5: o.md5,
          size: o.size,
          nfiles: o.nfiles,
          cache: o.cache !== false,
          push: o.push !== false,
          source: f,
        });
      }
    }
    const specs = await readDvcYaml(this.root);
    const lock = await readLock(this.root);
    for (const spec of specs) {
      const entry = lock.stages[spec.name];
      for (const o of entry?.outs ?? []) {
        const resolved = path.posix.normalize(path.posix.join(spec.wdir, o.path));
        const flags = spec.outs.find((s) => s.path === resolved);
        out.push({
          path: resolved,
          md5: o.md5,
          size: o.size,
          nfiles: o.nfiles,
          cache: flags?.cache ?? true,
          push: flags?.push ?? true,
          source: `dvc.lock:${spec.name}`,
        });
      }
    }
    return out;
  }

  /**
   * Keep a cached out out of git, as DVC does: append `/<name>` to the `.gitignore` beside it,
   * unless git already ignores the path.
   */
  async ignore(rel: string): Promise<void> {
    try {
      await run('git', ['check-ignore', '-q', '--no-index', rel], { cwd: this.root });
      return; // exit 0: already ignored
    } catch {
      // not ignored, or not a git repository / no git: fall through
    }
    const dir = path.posix.dirname(rel);
    const file = this.abs(dir === '.' ? '.gitignore' : `${dir}/.gitignore`);
    const line = `/${path.posix.basename(rel)}`;
    let text = '';
    try {
      text = await readFile(file, 'utf8');
    } catch {
      // a new .gitignore
    }
    if (text.split(/\r?\n/).includes(line)) return;
    await appendFile(file, `${text && !text.endsWith('\n') ? '\n' : ''}${line}\n`);
  }
}

/** Tracked outs selected by targets: a `.dvc` file, a tracked path (or a folder holding some), or a stage name. */
export function selectOuts(all: readonly TrackedOut[], targets: readonly string[], repo: DvcRepo): TrackedOut[] {
  if (targets.length === 0) return [...all];
  const picked = new Set<TrackedOut>();
  for (const t of targets) {
    const rel = repo.rel(t).replace(/\/$/, '');
    const hits = all.filter(
      (o) => o.source === rel || o.source === `dvc.lock:${t}` || o.path === rel || o.path.startsWith(`${rel}/`) || `${o.path}.dvc` === rel,
    );
    if (hits.length === 0) throw new Error(`"${t}" is not tracked: expected a .dvc file, a tracked path or a stage name`);
    for (const h of hits) picked.add(h);
  }
  return [...picked];
}
