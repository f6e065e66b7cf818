/** `time2bet start` / `time2bet ingest`: the stages' pipeline with progress bars and log lines on stderr. */
import type { Config } from '../config.ts';
import type { Warehouse } from '../warehouse/db.ts';
import type { ObjectStore } from '../lake/store.ts';
import * as stages from '../stages/pipeline.ts';
import type { ProgressEvent } from '../stages/progress.ts';
import { progress, say, type Progress } from './progress.ts';

/** Hooks that draw one bar per step (closed when the step reaches its total) and print summaries. */
export function cliHooks(): stages.PipelineHooks {
  const bars = new Map<string, Progress>();
  return {
    onProgress(e: ProgressEvent) {
      let bar = bars.get(e.step);
      if (!bar) {
        bar = progress(e.step, e.total);
        bars.set(e.step, bar);
      }
      bar.update(e.done, e.detail);
      if (e.done >= e.total) {
        bar.stop();
        bars.delete(e.step);
      }
    },
    onMessage: say,
  };
}

export const runPipeline = (cfg: Config, wh: Warehouse, lake: ObjectStore) => stages.runPipeline(cfg, wh, lake, cliHooks());
export const ingestBundled = (cfg: Config, wh: Warehouse) => stages.ingestBundled(cfg, wh, cliHooks());
