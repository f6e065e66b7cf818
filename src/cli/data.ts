/**
 * Data verbs: `snapshot`, `data init|add|push|pull|checkout|status` (DVC-compatible), `repro`,
 * and the pipeline's `stage …` verbs.
 */
import { chmod, mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Option, type Command } from 'commander';
import { PACKAGE_ROOT, type Config } from '../config.ts';
import { openConfiguredWarehouse } from '../warehouse/open.ts';
import { openLake } from '../lake/open.ts';
import { publishSnapshot, snapshotWarehouse, writeSnapshotDir } from '../lake/snapshot/snapshot.ts';
import { featureConfigFromParams, snapshotFeatures } from '../stages/features.ts';
import { DvcRepo } from '../lake/dvc/repo.ts';
import { openRemote, type Remote } from '../lake/dvc/remote.ts';
import { addData, checkoutData, cloudStatus, pullData, pushData, workspaceStatus } from '../lake/dvc/data.ts';
import { repro } from '../lake/dvc/repro.ts';
import { assertWarehouseMatches, receiptFingerprint } from '../lake/snapshot/receipt.ts';
import { paramsSection, registerStageCommands } from './stages.ts';
import { say, stepProgress } from './progress.ts';

const out = (s: string) => process.stdout.write(`${s}\n`);
const jobsOption = () =>
  new Option('-j, --jobs <n>', 'parallel transfers').default(8).argParser((v) => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < 1) throw new Error(`--jobs "${v}": expected a whole number ≥ 1`);
    return n;
  });

async function withRemote<T>(repo: DvcRepo, cfg: Config, name: string | undefined, fn: (r: Remote) => Promise<T>): Promise<T> {
  const remote = await openRemote(repo.root, cfg, name);
  try {
    return await fn(remote);
  } finally {
    remote.close();
  }
}

/** A `time2bet` on the stage commands' PATH that runs this very installation. */
async function selfShim(repo: DvcRepo): Promise<string> {
  const dir = path.join(repo.root, '.dvc', 'tmp', 'bin');
  await mkdir(dir, { recursive: true });
  const q = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
  const file = path.join(dir, 'time2bet');
  await writeFile(file, `#!/bin/sh\nexec ${q(process.execPath)} ${q(path.join(PACKAGE_ROOT, 'bin', 'time2bet.js'))} "$@"\n`);
  await chmod(file, 0o755);
  return dir;
}

export function registerDataCommands(program: Command, cfg: () => Config): void {
  program
    .command('snapshot')
    .description('export matches, match_stats, odds, odds_totals and the feature table as Parquet with a manifest; stored immutably in the lake at snapshots/<id>/ (or into a folder with --out)')
    .option('--out <dir>', 'write the snapshot into this folder (replacing it) instead of the lake')
    .option('--no-features', 'leave out the feature table')
    .option('--params <file>', 'params file whose `features:` section sets the feature parameters', 'params.yaml')
    .option('--receipt <file>', 'ingest receipt (`time2bet stage ingest --out`): refuse unless the warehouse holds exactly the data it describes')
    .option('--json', 'print {id, location, tables} as JSON')
    .action(async (o: { out?: string; features: boolean; params?: string; receipt?: string; json?: boolean }) => {
      const c = cfg();
      const features = o.features ? featureConfigFromParams(await paramsSection(o.params, 'features')) : null;
      const expected = o.receipt ? await receiptFingerprint(o.receipt) : undefined;
      const wh = await openConfiguredWarehouse(c);
      let snap;
      try {
        if (expected !== undefined) await assertWarehouseMatches(wh, expected, o.receipt!);
        const shown = stepProgress('snapshot');
        snap = await snapshotWarehouse(wh, features && (await snapshotFeatures(wh, features)), shown.onProgress).finally(shown.stop);
      } finally {
        await wh.close();
      }
      let location: string;
      if (o.out) {
        await writeSnapshotDir(snap, o.out);
        location = path.resolve(o.out);
      } else {
        const lake = openLake(c);
        const shown = stepProgress('snapshot → lake');
        const r = await publishSnapshot(snap, lake, shown.onProgress).finally(shown.stop);
        location = `${lake.location.replace(/\/$/, '')}/${r.prefix}`;
        if (!r.created) say(`snapshot ${snap.id} already in the lake; left untouched`);
        lake.close();
      }
      const tables = Object.fromEntries(snap.manifest.tables.map((t) => [t.name, t.rows]));
      if (o.json) out(JSON.stringify({ id: snap.id, location, tables }));
      else out(`snapshot ${snap.id} → ${location}\n${Object.entries(tables).map(([t, n]) => `  ${t.padEnd(12)} ${n} rows`).join('\n')}`);
    });

  const data = program.command('data').description('versioned data, DVC-compatible: .dvc files, .dvc/cache, a remote (S3 or folder)');
  data
    .command('init')
    .description('make the current folder a DVC repository (.dvc/config, .dvc/.gitignore)')
    .action(async () => {
      const repo = await DvcRepo.init(process.cwd());
      out(`initialised ${path.join(repo.root, '.dvc')}`);
    });
  data
    .command('add <paths...>')
    .description('track files or folders: hash them, copy them into .dvc/cache, write <path>.dvc, git-ignore them')
    .action(async (paths: string[]) => {
      const repo = await DvcRepo.find();
      for (const r of await addData(repo, paths)) out(`added ${r.path} (${r.md5}, ${r.size} bytes${r.nfiles !== undefined ? `, ${r.nfiles} files` : ''}) → ${r.dvcFile}`);
    });
  data
    .command('push [targets...]')
    .description('upload the cached objects of tracked data (.dvc files and dvc.lock outs) to the remote')
    .option('-r, --remote <name>', 'remote from .dvc/config (default: core.remote, else the lake under dvc/)')
    .addOption(jobsOption())
    .action(async (targets: string[], o: { remote?: string; jobs: number }) => {
      const repo = await DvcRepo.find();
      await withRemote(repo, cfg(), o.remote, async (remote) => {
        const r = await pushData(repo, remote, targets, o.jobs);
        out(`${r.pushed} file${r.pushed === 1 ? '' : 's'} pushed to ${remote.name}`);
        if (r.missing.length) throw new Error(`some data is missing from the local cache and was not pushed: ${r.missing.join(', ')}`);
      });
    });
  data
    .command('pull [targets...]')
    .description('download tracked data from the remote into .dvc/cache and check it out into the workspace')
    .option('-r, --remote <name>', 'remote from .dvc/config (default: core.remote, else the lake under dvc/)')
    .option('-f, --force', 'overwrite modified workspace files')
    .addOption(jobsOption())
    .action(async (targets: string[], o: { remote?: string; force?: boolean; jobs: number }) => {
      const repo = await DvcRepo.find();
      await withRemote(repo, cfg(), o.remote, async (remote) => {
        const r = await pullData(repo, remote, targets, { force: o.force, jobs: o.jobs });
        out(`${r.fetched} file${r.fetched === 1 ? '' : 's'} fetched from ${remote.name}; ${r.restored.length} restored, ${r.unchanged.length} unchanged`);
        for (const p of r.restored) out(`  restored ${p}`);
        const problems = [
          ...(r.notOnRemote.length ? [`not on the remote: ${r.notOnRemote.join(', ')}`] : []),
          ...(r.failed.length ? [`could not check out: ${r.failed.join(', ')}`] : []),
          ...(r.conflicts.length ? [`modified in the workspace (use --force to overwrite): ${r.conflicts.join(', ')}`] : []),
        ];
        if (problems.length) throw new Error(problems.join('; '));
      });
    });
  data
    .command('checkout [targets...]')
    .description('make the workspace match the tracked data, from .dvc/cache')
    .option('-f, --force', 'overwrite modified workspace files')
    .action(async (targets: string[], o: { force?: boolean }) => {
      const repo = await DvcRepo.find();
      const r = await checkoutData(repo, targets, o.force);
      for (const p of r.restored) out(`restored ${p}`);
      if (r.conflicts.length || r.failed.length) {
        throw new Error([...r.conflicts.map((p) => `${p} is modified (use --force)`), ...r.failed.map((p) => `${p} is not in the cache (run \`time2bet data pull\`)`)].join('; '));
      }
    });
  data
    .command('status')
    .description('what changed: stale pipeline stages and modified tracked data; with --cloud, what the remote lacks')
    .option('-c, --cloud', 'compare the local cache with the remote')
    .option('-r, --remote <name>', 'remote for --cloud')
    .option('--json', 'print JSON')
    .action(async (o: { cloud?: boolean; remote?: string; json?: boolean }) => {
      const repo = await DvcRepo.find();
      if (o.cloud) {
        await withRemote(repo, cfg(), o.remote, async (remote) => {
          const st = await cloudStatus(repo, remote);
          if (o.json) return out(JSON.stringify(Object.fromEntries(st.filter((s) => s.status !== 'ok').map((s) => [s.path, s.status]))));
          const unsynced = st.filter((s) => s.status !== 'ok');
          if (unsynced.length === 0) out(`Cache and remote '${remote.name}' are in sync.`);
          for (const s of unsynced) out(`\t${`${s.status}:`.padEnd(12)} ${s.path}`);
        });
        return;
      }
      const st = await workspaceStatus(repo);
      if (o.json) {
        out(JSON.stringify({ stages: Object.fromEntries(st.stages.map((s) => [s.name, s.reasons])), changed: st.changed }));
        return;
      }
      if (st.stages.length === 0 && st.changed.length === 0) out('Data and pipelines are up to date.');
      for (const s of st.stages) out(`${s.name}:\n${s.reasons.map((r) => `\t${r}`).join('\n')}`);
      for (const c of st.changed) out(`${c.source}:\n\tchanged outs:\n\t\t${`${c.change}:`.padEnd(14)} ${c.path}`);
    });

  program
    .command('repro [stages...]')
    .description('run the stale stages of dvc.yaml (DVC rules) in dependency order and update dvc.lock')
    .option('-f, --force', 'run the selected stages even if nothing changed')
    .option('-s, --single-item', 'only the given stages, not their upstream stages')
    .option('--dry', 'only print what would run')
    .option('--no-run-cache', 'always run stale stages instead of restoring matching earlier runs')
    .action(async (stages: string[], o: { force?: boolean; singleItem?: boolean; dry?: boolean; runCache: boolean }) => {
      const repo = await DvcRepo.find();
      const r = await repro(repo, {
        targets: stages,
        force: o.force,
        single: o.singleItem,
        dry: o.dry,
        runCache: o.runCache,
        pathPrefix: [await selfShim(repo)],
      });
      const verb = o.dry ? 'would run' : 'ran';
      say(`repro: ${verb} ${r.ran.length ? r.ran.join(', ') : 'nothing'}${r.restored.length ? `; restored from the run cache: ${r.restored.join(', ')}` : ''}`);
    });

  registerStageCommands(program, cfg);
}
