/**
 * Progress output for long steps, on stderr so JSON on stdout stays clean. On a TTY it draws
 * a bar; elsewhere (CI, pipes) it prints a plain line at most every 2 s and at the end.
 */
import cliProgress from 'cli-progress';

export interface Progress {
  /** `total` changes the bar's total (a count that grows as work is discovered). */
  update(done: number, detail?: string, total?: number): void;
  stop(): void;
}

export function progress(label: string, total: number, enabled = true): Progress {
  if (!enabled || total <= 0) return { update() {}, stop() {} };
  const bar = new cliProgress.SingleBar(
    {
      format: `${label} [{bar}] {value}/{total} {detail}`,
      stream: process.stderr,
      noTTYOutput: true,
      notTTYSchedule: 2000,
      hideCursor: false,
      clearOnComplete: false,
    },
    cliProgress.Presets.legacy,
  );
  bar.start(total, 0, { detail: '' });
  return {
    update(done, detail = '', newTotal) {
      if (newTotal !== undefined && newTotal > 0 && newTotal !== bar.getTotal()) bar.setTotal(newTotal);
      bar.update(done, { detail });
    },
    stop() {
      bar.stop();
    },
  };
}

/** A log line on stderr. */
export function say(msg: string): void {
  process.stderr.write(`${msg}\n`);
}

/** Seconds since this call, formatted for log lines: `const t = stopwatch(); …; say(`done in ${t()}`)`. */
export function stopwatch(now: () => number = () => performance.now()): () => string {
  const t0 = now();
  return () => `${((now() - t0) / 1000).toFixed(1)} s`;
}

/**
 * Draw the progress a library function reports through a `(step, done, total)` callback: one
 * bar per phase (a new bar when the total changes or the count starts again), the step as detail.
 */
export function stepProgress(label: string, enabled = true): { onProgress: (step: string, done: number, total: number) => void; stop: () => void } {
  let cur: { bar: Progress; total: number; done: number } | undefined;
  return {
    onProgress(step, done, total) {
      if (!cur || cur.total !== total || done < cur.done) {
        cur?.bar.stop();
        cur = { bar: progress(label, total, enabled), total, done };
      }
      cur.done = done;
      cur.bar.update(done, step);
    },
    stop() {
      cur?.bar.stop();
      cur = undefined;
    },
  };
}
