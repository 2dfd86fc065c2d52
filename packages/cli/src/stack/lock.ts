import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { SluiceError } from '@sluice/core';
import { sleep } from './process.js';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Serialises `up` and `down` across processes (a developer's terminal and a vitest global
 * setup may both call `up`): without it both would see "not running" and start two brokers.
 * A lock whose owner died is taken over.
 */
export function withStackLock<T>(runDir: string, body: () => Promise<T>, timeoutMs = 600_000): Promise<T> {
  // Callers in this process queue up first; the file then arbitrates between processes.
  const previous = queues.get(runDir) ?? Promise.resolve();
  const mine = previous.then(() => withFileLock(runDir, body, timeoutMs));
  const settled = mine.then(
    () => undefined,
    () => undefined,
  );
  queues.set(runDir, settled);
  void settled.then(() => {
    if (queues.get(runDir) === settled) queues.delete(runDir);
  });
  return mine;
}

const queues = new Map<string, Promise<void>>();

async function withFileLock<T>(runDir: string, body: () => Promise<T>, timeoutMs: number): Promise<T> {
  await mkdir(runDir, { recursive: true });
  const file = join(runDir, '.lock');
  const started = Date.now();
  for (;;) {
    try {
      await writeFile(file, `${process.pid}\n`, { flag: 'wx' });
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const owner = Number.parseInt(await readFile(file, 'utf8').catch(() => ''), 10);
      // Our own pid here is a leftover of a dead process whose pid we reuse: holders in this
      // process are queued above and always remove the file.
      if (!Number.isInteger(owner) || owner === process.pid || !alive(owner)) {
        await rm(file, { force: true });
        continue;
      }
      if (Date.now() - started > timeoutMs) {
        throw new SluiceError(`another sluice stack command (pid ${owner}) holds ${file}`, {
          hint: 'wait for it to finish, or remove the file if that process is not sluice',
        });
      }
      await sleep(250);
    }
  }
  try {
    return await body();
  } finally {
    await rm(file, { force: true });
  }
}
