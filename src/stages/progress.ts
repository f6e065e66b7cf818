/**
 * How stages report: progress events and log lines through callbacks, so library code never
 * draws or prints. src/cli/ turns them into bars and lines; the DAGs into task log lines.
 */
export interface ProgressEvent {
  /** The step reporting (`ingest`, `evaluate`, `train`, …). */
  step: string;
  done: number;
  total: number;
  detail?: string;
}

export interface StageHooks {
  onProgress?: (e: ProgressEvent) => void;
  /** A finished step's one-line summary. */
  onMessage?: (line: string) => void;
  /** Checked between units of work: a DAG task's cancellation. */
  signal?: AbortSignal;
}

/** Throw the signal's reason when it was aborted. */
export function checkAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw signal.reason;
}

/** Seconds since this call, for summaries: `const t = elapsed(now); …; \`(${t()})\``. */
export function elapsed(now: () => number): () => string {
  const t0 = now();
  return () => `${((now() - t0) / 1000).toFixed(1)} s`;
}
