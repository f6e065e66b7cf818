/** The code version a run was made from: the git commit when the code is a git checkout. Read at the edge. */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface CodeVersion {
  commit: string;
  /** Uncommitted changes in the working tree. */
  dirty: boolean;
}

/** undefined when git is missing or `dir` is not in a repository; never throws. */
export async function gitCodeVersion(dir: string): Promise<CodeVersion | undefined> {
  try {
    const { stdout } = await run('git', ['rev-parse', 'HEAD'], { cwd: dir, timeout: 5000 });
    const commit = stdout.trim();
    if (!/^[0-9a-f]{40}$/.test(commit)) return undefined;
    const status = await run('git', ['status', '--porcelain', '--untracked-files=no'], { cwd: dir, timeout: 5000 }).catch(() => ({ stdout: '' }));
    return { commit, dirty: status.stdout.trim() !== '' };
  } catch {
    return undefined;
  }
}
