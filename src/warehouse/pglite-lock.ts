/**
 * PGlite keeps its data in a folder that only one process may open at a time. A lock file
 * (`<dir>.lock`, JSON `{"pid":…,"socket":…}`) names the owner and, once it shares the
 * warehouse, the local socket other processes connect through (see pglite-socket.ts).
 * A lock left by a dead process is taken over.
 */
import { openSync, writeSync, closeSync, readFileSync, rmSync, writeFileSync, renameSync, statSync } from 'node:fs';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export interface LockOwner {
  pid: number;
  /** The Unix socket directory (pg `host`) where the owner serves the warehouse, once it does. */
  socket?: string;
}

/** The live owner named by the lock file, or undefined (no lock, or its process is gone). */
export function readLockOwner(dir: string): LockOwner | undefined {
  let text: string;
  try {
    text = readFileSync(`${dir}.lock`, 'utf8').trim();
  } catch {
    return undefined;
  }
  let owner: LockOwner;
  try {
    const v = JSON.parse(text) as unknown;
    if (typeof v === 'number') owner = { pid: v };
    else if (typeof v === 'object' && v !== null && typeof (v as LockOwner).pid === 'number') owner = v as LockOwner;
    else return undefined;
  } catch {
    return undefined; // being written, or garbage: treated as no owner
  }
  return Number.isInteger(owner.pid) && owner.pid > 0 && owner.pid !== process.pid && alive(owner.pid) ? owner : undefined;
}

export interface DataDirLock {
  release(): void;
  /** Record where this process serves the warehouse, for other processes to connect. */
  publish(socket: string): void;
}

export type LockResult = { owned: DataDirLock } | { owner: LockOwner };

/** Take the lock, or return the live process that holds it. */
export function lockDataDir(dir: string): LockResult {
  const file = `${dir}.lock`;
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const fd = openSync(file, 'wx', 0o600);
      writeSync(fd, JSON.stringify({ pid: process.pid }));
      closeSync(fd);
      let released = false;
      const release = () => {
        if (released) return;
        released = true;
        rmSync(file, { force: true });
        process.off('exit', release);
      };
      process.on('exit', release);
      const publish = (socket: string) => {
        writeFileSync(`${file}.tmp`, JSON.stringify({ pid: process.pid, socket }), { mode: 0o600 });
        renameSync(`${file}.tmp`, file); // readers never see a half-written file
      };
      return { owned: { release, publish } };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      const owner = readLockOwner(dir);
      if (owner) return { owner };
      let pid = NaN;
      try {
        const v = JSON.parse(readFileSync(file, 'utf8')) as unknown;
        pid = typeof v === 'number' ? v : Number((v as LockOwner | null)?.pid);
      } catch {
        /* unreadable */
      }
      if (pid === process.pid) throw new Error(`the embedded warehouse ${dir} is already open in this process`);
      // Unreadable and just created: its owner is between creating and writing it; ask again later.
      if (Number.isNaN(pid) && Date.now() - (statSync(file, { throwIfNoEntry: false })?.mtimeMs ?? 0) < 5_000) return { owner: { pid: 0 } };
      rmSync(file, { force: true }); // stale: its owner is gone
    }
  }
  throw new Error(`could not lock ${dir}: ${file} keeps reappearing`);
}
