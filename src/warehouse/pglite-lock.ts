/**
 * PGlite keeps its data in a folder that only one process may open at a time. A lock file
 * (`<dir>.lock`, holding the owner's pid) turns a second opener into a clear error instead of
 * a corrupted data directory. A lock left by a dead process is taken over.
 */
import { openSync, writeSync, closeSync, readFileSync, rmSync } from 'node:fs';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Take the lock or throw naming the process that holds it; returns the release function. */
export function lockDataDir(dir: string): () => void {
  const file = `${dir}.lock`;
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(file, 'wx');
      writeSync(fd, String(process.pid));
      closeSync(fd);
      let released = false;
      const release = () => {
        if (released) return;
        released = true;
        rmSync(file, { force: true });
        process.off('exit', release);
      };
      process.on('exit', release);
      return release;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      const pid = Number(readFileSync(file, 'utf8').trim());
      if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && alive(pid)) {
        throw new Error(`the embedded warehouse ${dir} is in use by process ${pid} (a running \`time2bet start\`?); stop it first, or point DATABASE_URL at PostgreSQL for concurrent use`);
      }
      rmSync(file, { force: true }); // stale: its owner is gone
    }
  }
  throw new Error(`could not lock ${dir}`);
}
