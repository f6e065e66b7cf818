/**
 * Progress output for long steps, on stderr so JSON on stdout stays clean. On a TTY it draws
 * a bar; elsewhere (CI, pipes) it prints a plain line at most every 2 s and at the end.
 */
import cliProgress from 'cli-progress';

export interface Progress {
  update(done: number, detail?: string): void;
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
    update(done, detail = '') {
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
