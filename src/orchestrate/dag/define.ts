/**
 * DAGs declared in TypeScript. A DAG has an id, an optional cron schedule, a start date,
 * catchup, and tasks with dependencies; each task has retries, a retry delay with optional
 * exponential backoff (Airflow's formula, see retry.ts), an execution timeout and a trigger
 * rule. Defaults follow Airflow: retries 0, retry delay 300 s, trigger rule all_success,
 * max_active_runs 16, max_active_tasks 16. catchup defaults to false (Airflow 3's default).
 *
 * A task is a thin async call into a stage. It receives its data interval in the context and
 * must be idempotent for it: retries, clears and backfills run it again.
 */
import type { Config } from '../../config.ts';
import type { ObjectStore } from '../../lake/store.ts';
import type { Warehouse } from '../../warehouse/db.ts';
import { parseCron, type Cron } from './cron.ts';

export type TriggerRule = 'all_success' | 'all_done' | 'none_failed' | 'all_failed' | 'one_failed';
export type RunType = 'scheduled' | 'manual' | 'backfill';

/** What every task may use: the configuration, the warehouse and the lake of the process running it. */
export interface Services {
  cfg: Config;
  wh: Warehouse;
  lake: ObjectStore;
}

export interface TaskContext extends Services {
  dagId: string;
  taskId: string;
  runId: string;
  runType: RunType;
  /** 1 for the first try, 2 for the first retry, … */
  tryNumber: number;
  /** Last try number that may still be retried (Airflow's max_tries). */
  maxTries: number;
  /** The data interval this run covers: [dataIntervalStart, dataIntervalEnd). */
  dataIntervalStart: Date;
  dataIntervalEnd: Date;
  /** Airflow's logical date: the interval start for scheduled and backfill runs, the trigger time for manual ones. */
  logicalDate: Date;
  /** The run's configuration (`dags trigger --conf '{…}'`). */
  conf: Record<string, unknown>;
  /** Aborted on execution timeout, when the run is cleared or timed out, or when the worker stops. */
  signal: AbortSignal;
  /** A line in this try's log (stored in the warehouse, `time2bet dags logs`). */
  log(message: string): void;
  /** The JSON value an upstream task of the same run returned (Airflow's XCom return_value). */
  pull<T = unknown>(taskId: string): Promise<T | undefined>;
  /** End this try as `skipped` (downstream all_success tasks are skipped too). */
  skip(reason: string): never;
}

export interface RetryPolicy {
  retries: number;
  retryDelayMs: number;
  retryExponentialBackoff: boolean;
  /** Cap of the backoff delay (Airflow's max_retry_delay); unset = only the 24 h cap. */
  maxRetryDelayMs?: number;
}

export interface TaskOptions extends Partial<RetryPolicy> {
  /** Fail the try when it runs longer than this (AirflowTaskTimeout); unset = no limit. */
  executionTimeoutMs?: number;
  triggerRule?: TriggerRule;
}

export interface TaskSpec extends TaskOptions {
  id: string;
  /** Ids of upstream tasks. */
  deps?: string[];
  /** The work. Return a small JSON value for downstream tasks (ctx.pull), or nothing. */
  run(ctx: TaskContext): Promise<unknown>;
}

export interface DagSpec {
  id: string;
  description?: string;
  /** Cron expression or preset (@daily, @weekly = Sunday 00:00 UTC …); null = manual runs only. */
  schedule: string | null;
  startDate: Date;
  endDate?: Date;
  catchup?: boolean;
  maxActiveRuns?: number;
  maxActiveTasks?: number;
  /** Fail a run that has been running longer than this; its unfinished tasks are skipped. */
  dagrunTimeoutMs?: number;
  /** Defaults for every task (Airflow's default_args). */
  defaults?: TaskOptions;
  tasks: TaskSpec[];
}

export interface Task extends RetryPolicy {
  id: string;
  deps: string[];
  downstream: string[];
  executionTimeoutMs?: number;
  triggerRule: TriggerRule;
  run(ctx: TaskContext): Promise<unknown>;
}

export interface Dag {
  id: string;
  description: string;
  schedule: string | null;
  cron: Cron | null;
  startDate: Date;
  endDate?: Date;
  catchup: boolean;
  maxActiveRuns: number;
  maxActiveTasks: number;
  dagrunTimeoutMs?: number;
  /** Tasks in a topological order (every task after its upstreams). */
  tasks: Task[];
  task(id: string): Task | undefined;
}

/** Thrown (via ctx.skip) to end a try as skipped. */
export class SkipTask extends Error {
  override name = 'SkipTask';
}

export class DagDefinitionError extends Error {
  override name = 'DagDefinitionError';
}

const ID_RE = /^[A-Za-z0-9_.-]{1,200}$/;
const TRIGGER_RULES: TriggerRule[] = ['all_success', 'all_done', 'none_failed', 'all_failed', 'one_failed'];

function nonNegative(v: number | undefined, what: string, where: string): void {
  if (v !== undefined && (!Number.isFinite(v) || v < 0)) throw new DagDefinitionError(`${where}: ${what} must be a number ≥ 0, got ${v}`);
}

/** Validate a DAG declaration (ids, dependencies, no cycles, schedule) and fill in the defaults. */
export function defineDag(spec: DagSpec): Dag {
  const where = `DAG "${spec.id}"`;
  if (!ID_RE.test(spec.id)) throw new DagDefinitionError(`${where}: the id must match ${ID_RE}`);
  if (!(spec.startDate instanceof Date) || Number.isNaN(spec.startDate.getTime())) throw new DagDefinitionError(`${where}: startDate must be a valid Date`);
  if (spec.tasks.length === 0) throw new DagDefinitionError(`${where}: no tasks`);
  let cron: Cron | null = null;
  if (spec.schedule !== null) {
    try {
      cron = parseCron(spec.schedule);
    } catch (e) {
      throw new DagDefinitionError(`${where}: ${(e as Error).message}`);
    }
  }
  const ids = new Set<string>();
  for (const t of spec.tasks) {
    if (!ID_RE.test(t.id)) throw new DagDefinitionError(`${where}: task id "${t.id}" must match ${ID_RE}`);
    if (ids.has(t.id)) throw new DagDefinitionError(`${where}: task "${t.id}" is declared twice`);
    ids.add(t.id);
  }
  const d = spec.defaults ?? {};
  const tasks = new Map<string, Task>();
  for (const t of spec.tasks) {
    const tw = `${where} task "${t.id}"`;
    for (const dep of t.deps ?? []) {
      if (!ids.has(dep)) throw new DagDefinitionError(`${tw}: unknown upstream "${dep}"`);
      if (dep === t.id) throw new DagDefinitionError(`${tw}: depends on itself`);
    }
    const task: Task = {
      id: t.id,
      deps: [...new Set(t.deps ?? [])],
      downstream: [],
      retries: t.retries ?? d.retries ?? 0,
      retryDelayMs: t.retryDelayMs ?? d.retryDelayMs ?? 300_000,
      retryExponentialBackoff: t.retryExponentialBackoff ?? d.retryExponentialBackoff ?? false,
      maxRetryDelayMs: t.maxRetryDelayMs ?? d.maxRetryDelayMs,
      executionTimeoutMs: t.executionTimeoutMs ?? d.executionTimeoutMs,
      triggerRule: t.triggerRule ?? d.triggerRule ?? 'all_success',
      run: t.run,
    };
    if (!Number.isInteger(task.retries) || task.retries < 0) throw new DagDefinitionError(`${tw}: retries must be a whole number ≥ 0`);
    nonNegative(task.retryDelayMs, 'retryDelayMs', tw);
    nonNegative(task.maxRetryDelayMs, 'maxRetryDelayMs', tw);
    if (task.executionTimeoutMs !== undefined && !(task.executionTimeoutMs > 0)) throw new DagDefinitionError(`${tw}: executionTimeoutMs must be > 0`);
    if (!TRIGGER_RULES.includes(task.triggerRule)) throw new DagDefinitionError(`${tw}: trigger rule "${task.triggerRule}" is not one of ${TRIGGER_RULES.join(', ')}`);
    tasks.set(t.id, task);
  }
  for (const t of tasks.values()) for (const dep of t.deps) tasks.get(dep)!.downstream.push(t.id);
  // Kahn's algorithm, keeping declaration order among ready tasks.
  const indegree = new Map([...tasks.values()].map((t) => [t.id, t.deps.length]));
  const order: Task[] = [];
  const ready = spec.tasks.filter((t) => indegree.get(t.id) === 0).map((t) => t.id);
  while (ready.length) {
    const id = ready.shift()!;
    order.push(tasks.get(id)!);
    for (const down of tasks.get(id)!.downstream) {
      indegree.set(down, indegree.get(down)! - 1);
      if (indegree.get(down) === 0) ready.push(down);
    }
  }
  if (order.length !== tasks.size) {
    const cyclic = [...indegree].filter(([, n]) => n > 0).map(([id]) => id);
    throw new DagDefinitionError(`${where}: dependency cycle among ${cyclic.join(', ')}`);
  }
  const maxActiveRuns = spec.maxActiveRuns ?? 16;
  const maxActiveTasks = spec.maxActiveTasks ?? 16;
  if (!(maxActiveRuns >= 1) || !(maxActiveTasks >= 1)) throw new DagDefinitionError(`${where}: maxActiveRuns and maxActiveTasks must be ≥ 1`);
  return {
    id: spec.id,
    description: spec.description ?? '',
    schedule: spec.schedule,
    cron,
    startDate: spec.startDate,
    endDate: spec.endDate,
    catchup: spec.catchup ?? false,
    maxActiveRuns,
    maxActiveTasks,
    dagrunTimeoutMs: spec.dagrunTimeoutMs,
    tasks: order,
    task: (id) => tasks.get(id),
  };
}

/** DAGs by id; throws on a duplicate id. */
export function dagRegistry(dags: Iterable<Dag>): Map<string, Dag> {
  const out = new Map<string, Dag>();
  for (const d of dags) {
    if (out.has(d.id)) throw new DagDefinitionError(`DAG "${d.id}" is defined twice`);
    out.set(d.id, d);
  }
  return out;
}
