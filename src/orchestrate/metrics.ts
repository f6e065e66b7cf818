/**
 * Observability hooks of the orchestration, ready for a metrics endpoint:
 *
 * - `time2bet_dag_last_success_timestamp_seconds{dag_id}`: end of the latest successful run,
 *   read from the warehouse at scrape time (right whichever process ran the DAG);
 * - `time2bet_dag_runs_total{dag_id,state}`: runs finished (success/failed) by this process's scheduler;
 * - `time2bet_task_outcomes_total{dag_id,task_id,outcome}`: tries ended by this process
 *   (success, skipped, up_for_retry, failed, upstream_failed), including tries the scheduler
 *   ended after a worker's heartbeat timeout.
 *
 * The objects live in this module and update whether or not they are registered;
 * `registerOrchestrationMetrics(registry, wh)` puts them on a prom-client Registry.
 */
import { Counter, Gauge, type Metric, type Registry } from 'prom-client';
import type { Warehouse } from '../warehouse/db.ts';
import { dagSummaries } from './scheduler/runs.ts';

let source: Warehouse | undefined;

export const dagLastSuccess = new Gauge({
  name: 'time2bet_dag_last_success_timestamp_seconds',
  help: 'End of the latest successful run of each DAG (Unix time)',
  labelNames: ['dag_id'] as const,
  registers: [],
  async collect() {
    if (!source) return;
    try {
      for (const [dagId, s] of await dagSummaries(source.db)) {
        if (s.lastSuccess) this.set({ dag_id: dagId }, s.lastSuccess.getTime() / 1000);
      }
    } catch {
      // warehouse unreachable: keep the last values
    }
  },
});

export const dagRunOutcomes = new Counter({
  name: 'time2bet_dag_runs_total',
  help: 'DAG runs finished by this process, by final state',
  labelNames: ['dag_id', 'state'] as const,
  registers: [],
});

export const taskOutcomes = new Counter({
  name: 'time2bet_task_outcomes_total',
  help: 'Task tries ended by this process, by outcome (success, skipped, up_for_retry, failed, upstream_failed)',
  labelNames: ['dag_id', 'task_id', 'outcome'] as const,
  registers: [],
});

export function recordTaskOutcome(dagId: string, taskId: string, outcome: string): void {
  taskOutcomes.inc({ dag_id: dagId, task_id: taskId, outcome });
}

export function recordRunOutcome(dagId: string, state: string): void {
  dagRunOutcomes.inc({ dag_id: dagId, state });
}

/** Register the orchestration metrics on a registry; `wh` backs the last-success gauge. */
export function registerOrchestrationMetrics(registry: Registry, wh?: Warehouse): void {
  if (wh) source = wh;
  const metrics: [string, Metric][] = [
    ['time2bet_dag_last_success_timestamp_seconds', dagLastSuccess],
    ['time2bet_dag_runs_total', dagRunOutcomes],
    ['time2bet_task_outcomes_total', taskOutcomes],
  ];
  for (const [name, m] of metrics) if (!registry.getSingleMetric(name)) registry.registerMetric(m);
}
