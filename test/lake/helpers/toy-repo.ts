/** A small DVC repository with a three-stage pipeline (prepare → train → report) of plain node scripts. */
import { appendFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after } from 'node:test';
import { DvcRepo } from '../../../src/lake/dvc/repo.ts';
import { repro, type ReproOptions, type ReproResult } from '../../../src/lake/dvc/repro.ts';

export const DVC_YAML = `stages:
  prepare:
    cmd: node scripts/prepare.mjs
    deps:
    - raw.txt
    - scripts/prepare.mjs
    params:
    - prepare.factor
    outs:
    - prepared
  train:
    cmd: node scripts/train.mjs
    deps:
    - prepared
    - scripts/train.mjs
    params:
    - train.lr
    outs:
    - model.json
    metrics:
    - metrics.json:
        cache: false
  report:
    cmd: node scripts/report.mjs
    deps:
    - model.json
    outs:
    - report.txt
`;

const SCRIPTS: Record<string, string> = {
  'scripts/prepare.mjs': `import fs from 'node:fs';
const factor = Number(/factor: (\\S+)/.exec(fs.readFileSync('params.yaml', 'utf8'))[1]);
const nums = fs.readFileSync('raw.txt', 'utf8').trim().split('\\n').map(Number);
fs.mkdirSync('prepared/parts', { recursive: true });
fs.writeFileSync('prepared/a.txt', nums.map((n) => n * factor).join('\\n') + '\\n');
fs.writeFileSync('prepared/parts/b.txt', String(nums.length) + '\\n');
fs.appendFileSync('runs.log', 'prepare\\n');
`,
  'scripts/train.mjs': `import fs from 'node:fs';
const lr = Number(/lr: (\\S+)/.exec(fs.readFileSync('params.yaml', 'utf8'))[1]);
const xs = fs.readFileSync('prepared/a.txt', 'utf8').trim().split('\\n').map(Number);
const w = xs.reduce((s, x) => s + x, 0) * lr;
fs.writeFileSync('model.json', JSON.stringify({ w }) + '\\n');
fs.writeFileSync('metrics.json', JSON.stringify({ loss: 1 / (1 + w) }) + '\\n');
fs.appendFileSync('runs.log', 'train\\n');
`,
  'scripts/report.mjs': `import fs from 'node:fs';
fs.writeFileSync('report.txt', 'model ' + fs.readFileSync('model.json', 'utf8'));
fs.appendFileSync('runs.log', 'report\\n');
`,
};

export const PARAMS = 'prepare:\n  factor: 2\ntrain:\n  lr: 0.1\n  epochs: 3\n';

export interface Toy {
  repo: DvcRepo;
  dir: string;
  read(rel: string): string;
  write(rel: string, text: string): void;
  append(rel: string, text: string): void;
  /** repro with output captured; returns the result and the log lines. */
  repro(opts?: ReproOptions): Promise<ReproResult & { log: string[] }>;
  /** Stages that ran since the last call (from runs.log). */
  runs(): string[];
}

export async function toyRepo(): Promise<Toy> {
  const dir = mkdtempSync(path.join(tmpdir(), 't2b-toy-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const repo = await DvcRepo.init(dir);
  const write = (rel: string, text: string) => {
    mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    writeFileSync(path.join(dir, rel), text);
  };
  write('dvc.yaml', DVC_YAML);
  write('params.yaml', PARAMS);
  write('raw.txt', '1\n2\n3\n');
  for (const [rel, text] of Object.entries(SCRIPTS)) write(rel, text);
  let seen = 0;
  return {
    repo,
    dir,
    read: (rel) => readFileSync(path.join(dir, rel), 'utf8'),
    write,
    append: (rel, text) => appendFileSync(path.join(dir, rel), text),
    async repro(opts = {}) {
      const log: string[] = [];
      const r = await repro(repo, { stdio: 'pipe', log: (l) => log.push(l), ...opts });
      return { ...r, log };
    },
    runs() {
      let all: string[] = [];
      try {
        all = readFileSync(path.join(dir, 'runs.log'), 'utf8').trim().split('\n').filter(Boolean);
      } catch {
        // nothing ran yet
      }
      const fresh = all.slice(seen);
      seen = all.length;
      return fresh;
    },
  };
}
