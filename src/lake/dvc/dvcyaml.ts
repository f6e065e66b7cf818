/**
 * `dvc.yaml`: stages with cmd, deps, params, outs, metrics, plots, wdir, frozen,
 * always_changed, desc, meta. Templating (`vars`, `${…}`, `foreach`/`matrix`) is refused with
 * a clear message: those files need DVC itself.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parseYaml } from './dvcfile.ts';

export const DEFAULT_PARAMS_FILE = 'params.yaml';

export interface OutSpec {
  /** Relative to the repository root, POSIX. */
  path: string;
  /** As written in dvc.yaml (relative to the stage's wdir). */
  defPath: string;
  cache: boolean;
  persist: boolean;
  push: boolean;
  kind: 'out' | 'metric' | 'plot';
}

export interface ParamSpec {
  /** Params file relative to the repository root. */
  file: string;
  defFile: string;
  keys: string[];
}

export interface StageSpec {
  name: string;
  cmd: string | string[];
  /** Working directory relative to the repository root ('.' = root). */
  wdir: string;
  deps: { path: string; defPath: string }[];
  params: ParamSpec[];
  outs: OutSpec[];
  frozen: boolean;
  alwaysChanged: boolean;
  desc?: string;
}

const STAGE_KEYS = new Set(['cmd', 'wdir', 'deps', 'params', 'outs', 'metrics', 'plots', 'frozen', 'always_changed', 'desc', 'meta']);
const OUT_FLAGS = new Set(['cache', 'persist', 'push', 'remote', 'desc', 'type', 'labels', 'meta', 'x', 'y', 'template', 'title', 'x_label', 'y_label', 'header']);

function posix(p: string): string {
  return p.split(path.sep).join('/');
}

/** `rel` (relative to wdir) as a path relative to the root; refuses paths leaving the repository. */
function resolveIn(wdir: string, rel: string, what: string): string {
  if (path.isAbsolute(rel)) throw new Error(`${what} "${rel}": absolute paths are not supported; use a path inside the repository`);
  const joined = path.posix.normalize(path.posix.join(wdir, posix(rel)));
  if (joined === '..' || joined.startsWith('../')) throw new Error(`${what} "${rel}" is outside the repository`);
  return joined.replace(/\/$/, '');
}

function outSpecs(list: unknown, kind: OutSpec['kind'], wdir: string, where: string): OutSpec[] {
  if (list === undefined || list === null) return [];
  if (!Array.isArray(list)) throw new Error(`${where}: expected a list`);
  return list.map((item, i) => {
    let defPath: string;
    let flags: Record<string, unknown> = {};
    if (typeof item === 'string') defPath = item;
    else if (item && typeof item === 'object' && Object.keys(item).length === 1) {
      defPath = Object.keys(item)[0]!;
      flags = ((item as Record<string, unknown>)[defPath] ?? {}) as Record<string, unknown>;
      for (const k of Object.keys(flags)) if (!OUT_FLAGS.has(k)) throw new Error(`${where}[${i}] ${defPath}: unknown field "${k}"`);
    } else throw new Error(`${where}[${i}]: expected a path or {path: {flags}}`);
    return {
      path: resolveIn(wdir, defPath, `${where}[${i}]`),
      defPath,
      cache: flags.cache !== false,
      persist: flags.persist === true,
      push: flags.push !== false,
      kind,
    };
  });
}

function paramSpecs(list: unknown, wdir: string, where: string): ParamSpec[] {
  if (list === undefined || list === null) return [];
  if (!Array.isArray(list)) throw new Error(`${where}: expected a list of keys or {file: [keys]}`);
  const byFile = new Map<string, ParamSpec>();
  const add = (defFile: string, keys: string[]) => {
    const file = resolveIn(wdir, defFile, where);
    const spec = byFile.get(file) ?? { file, defFile, keys: [] };
    for (const k of keys) if (!spec.keys.includes(k)) spec.keys.push(k);
    byFile.set(file, spec);
  };
  for (const item of list) {
    if (typeof item === 'string') add(DEFAULT_PARAMS_FILE, [item]);
    else if (item && typeof item === 'object') {
      for (const [file, keys] of Object.entries(item)) {
        if (keys !== null && (!Array.isArray(keys) || keys.some((k) => typeof k !== 'string'))) throw new Error(`${where} ${file}: expected a list of keys`);
        if (keys === null || keys.length === 0) throw new Error(`${where} ${file}: tracking a whole params file is not supported; list its keys`);
        add(file, keys as string[]);
      }
    } else throw new Error(`${where}: expected a key or {file: [keys]}`);
  }
  return [...byFile.values()];
}

export function parseDvcYaml(text: string, file = 'dvc.yaml'): StageSpec[] {
  if (/\$\{/.test(text)) throw new Error(`${file}: \${…} templating is not supported by time2bet (use \`dvc repro\`)`);
  const doc = parseYaml(text, file) as Record<string, unknown> | null;
  if (!doc || typeof doc !== 'object') throw new Error(`${file}: expected a mapping with "stages"`);
  if ('vars' in doc) throw new Error(`${file}: "vars" templating is not supported by time2bet (use \`dvc repro\`)`);
  const stages = doc.stages as Record<string, Record<string, unknown>> | undefined;
  if (!stages || typeof stages !== 'object') throw new Error(`${file}: expected a "stages" mapping`);
  return Object.entries(stages).map(([name, s]) => {
    const where = `${file} stage "${name}"`;
    if (!/^[A-Za-z0-9_.-]+$/.test(name)) throw new Error(`${where}: invalid stage name`);
    if (!s || typeof s !== 'object') throw new Error(`${where}: expected a mapping`);
    if ('foreach' in s || 'matrix' in s) throw new Error(`${where}: foreach/matrix stages are not supported by time2bet (use \`dvc repro\`)`);
    for (const k of Object.keys(s)) if (!STAGE_KEYS.has(k)) throw new Error(`${where}: unknown field "${k}"`);
    const cmd = s.cmd;
    const cmdOk = (typeof cmd === 'string' && cmd.trim() !== '') || (Array.isArray(cmd) && cmd.length > 0 && cmd.every((c) => typeof c === 'string'));
    if (!cmdOk) throw new Error(`${where}: "cmd" must be a non-empty string or list of strings`);
    const wdir = resolveIn('.', typeof s.wdir === 'string' ? s.wdir : '.', `${where} wdir`);
    const depsRaw = s.deps ?? [];
    if (!Array.isArray(depsRaw) || depsRaw.some((d) => typeof d !== 'string')) throw new Error(`${where}: "deps" must be a list of paths`);
    const spec: StageSpec = {
      name,
      cmd: cmd as string | string[],
      wdir,
      deps: (depsRaw as string[]).map((d) => ({ path: resolveIn(wdir, d, `${where} dep`), defPath: d })),
      params: paramSpecs(s.params, wdir, `${where} params`),
      outs: [
        ...outSpecs(s.outs, 'out', wdir, `${where} outs`),
        ...outSpecs(s.metrics, 'metric', wdir, `${where} metrics`),
        ...outSpecs(s.plots, 'plot', wdir, `${where} plots`),
      ],
      frozen: s.frozen === true,
      alwaysChanged: s.always_changed === true,
      ...(typeof s.desc === 'string' ? { desc: s.desc } : {}),
    };
    const seen = new Set<string>();
    for (const o of spec.outs) {
      if (seen.has(o.path)) throw new Error(`${where}: out "${o.defPath}" is listed twice`);
      seen.add(o.path);
    }
    return spec;
  });
}

export async function readDvcYaml(root: string): Promise<StageSpec[]> {
  const file = path.join(root, 'dvc.yaml');
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw e;
  }
  return parseDvcYaml(text, 'dvc.yaml');
}
