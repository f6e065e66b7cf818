/**
 * The pipeline DAG: stage B depends on stage A when one of B's deps is an out of A, inside one,
 * or holds one. Stages come out in dependency order, ties kept in dvc.yaml order.
 */
import type { StageSpec } from './dvcyaml.ts';

const overlaps = (a: string, b: string) => a === b || a.startsWith(`${b}/`) || b.startsWith(`${a}/`);

export interface Pipeline {
  /** All stages in dependency order. */
  order: StageSpec[];
  /** Stage name → names of the stages it depends on directly. */
  upstream: Map<string, Set<string>>;
}

export function buildPipeline(stages: readonly StageSpec[]): Pipeline {
  const owners: { path: string; stage: string }[] = [];
  for (const s of stages) {
    for (const o of s.outs) {
      const clash = owners.find((x) => overlaps(x.path, o.path));
      if (clash) throw new Error(`dvc.yaml: out "${o.path}" of stage "${s.name}" overlaps out "${clash.path}" of stage "${clash.stage}"`);
      owners.push({ path: o.path, stage: s.name });
    }
  }
  const upstream = new Map<string, Set<string>>();
  for (const s of stages) {
    const ups = new Set<string>();
    for (const d of s.deps) for (const o of owners) if (overlaps(d.path, o.path) && o.stage !== s.name) ups.add(o.stage);
    for (const d of s.deps) {
      if (s.outs.some((o) => overlaps(o.path, d.path))) throw new Error(`dvc.yaml stage "${s.name}": dep "${d.path}" overlaps one of its own outs`);
    }
    upstream.set(s.name, ups);
  }
  const order: StageSpec[] = [];
  const done = new Set<string>();
  const visiting = new Set<string>();
  const byName = new Map(stages.map((s) => [s.name, s]));
  const visit = (name: string, trail: string[]) => {
    if (done.has(name)) return;
    if (visiting.has(name)) throw new Error(`dvc.yaml: the stages form a cycle: ${[...trail, name].join(' → ')}`);
    visiting.add(name);
    for (const u of [...upstream.get(name)!].sort((a, b) => stages.indexOf(byName.get(a)!) - stages.indexOf(byName.get(b)!))) {
      visit(u, [...trail, name]);
    }
    visiting.delete(name);
    done.add(name);
    order.push(byName.get(name)!);
  };
  for (const s of stages) visit(s.name, []);
  return { order, upstream };
}

/** The targets and (unless `single`) every stage they depend on, in dependency order. */
export function selectStages(p: Pipeline, targets: readonly string[], single = false): StageSpec[] {
  if (targets.length === 0) return p.order;
  const known = new Set(p.order.map((s) => s.name));
  for (const t of targets) if (!known.has(t)) throw new Error(`no stage "${t}" in dvc.yaml; stages: ${[...known].join(', ')}`);
  const want = new Set<string>();
  const add = (n: string) => {
    if (want.has(n)) return;
    want.add(n);
    if (!single) for (const u of p.upstream.get(n)!) add(u);
  };
  for (const t of targets) add(t);
  return p.order.filter((s) => want.has(s.name));
}

/** Every stage downstream of `name` (not including it). */
export function downstreamOf(p: Pipeline, name: string): Set<string> {
  const out = new Set<string>();
  let grew = true;
  while (grew) {
    grew = false;
    for (const [s, ups] of p.upstream) {
      if (out.has(s)) continue;
      if (ups.has(name) || [...ups].some((u) => out.has(u))) {
        out.add(s);
        grew = true;
      }
    }
  }
  return out;
}
