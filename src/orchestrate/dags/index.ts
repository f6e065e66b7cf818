/**
 * The DAGs a process knows: the built-in ones plus those exported by the modules named in
 * TIME2BET_DAG_MODULES (comma-separated paths; each module exports `dags` (an array) or a
 * default export (a DAG or an array), built with defineDag). A scheduler and its workers must
 * load the same DAGs.
 */
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Config } from '../../config.ts';
import { dagRegistry, DagDefinitionError, type Dag } from '../dag/define.ts';
import { ingestDaily } from './ingest-daily.ts';
import { trainWeekly } from './train-weekly.ts';

export { ingestDaily, trainWeekly };

/** The built-in DAGs (monitor_daily joins them once monitoring exists). */
export function builtInDags(): Dag[] {
  return [ingestDaily, trainWeekly];
}

function isDag(v: unknown): v is Dag {
  const d = v as Dag;
  return !!d && typeof d.id === 'string' && Array.isArray(d.tasks) && typeof d.task === 'function';
}

/** Built-in DAGs and the DAGs of cfg.dagModules, by id. */
export async function loadDags(cfg: Pick<Config, 'dagModules'>): Promise<Map<string, Dag>> {
  const all = builtInDags();
  for (const m of cfg.dagModules.split(',').map((s) => s.trim()).filter(Boolean)) {
    let mod: Record<string, unknown>;
    try {
      mod = (await import(pathToFileURL(path.resolve(m)).href)) as Record<string, unknown>;
    } catch (e) {
      throw new DagDefinitionError(`TIME2BET_DAG_MODULES: cannot load "${m}": ${(e as Error).message}`);
    }
    const found = mod.dags ?? mod.default;
    const list = Array.isArray(found) ? found : [found];
    if (!list.length || !list.every(isDag)) {
      throw new DagDefinitionError(`TIME2BET_DAG_MODULES: "${m}" must export \`dags\` (an array of defineDag(…) results) or a default DAG`);
    }
    all.push(...list);
  }
  return dagRegistry(all);
}
