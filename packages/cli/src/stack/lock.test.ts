import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { withStackLock } from './lock.js';

describe('withStackLock', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'sluice-lock-test-'));
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('runs concurrent callers one at a time, and a failing body does not block the next', async () => {
    let inside = 0;
    let maxInside = 0;
    const body = async () => {
      inside++;
      maxInside = Math.max(maxInside, inside);
      await new Promise((r) => setTimeout(r, 30));
      inside--;
    };
    await Promise.all([withStackLock(dir, body), withStackLock(dir, body), withStackLock(dir, body)]);
    expect(maxInside).toBe(1);
    await expect(withStackLock(dir, () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    await expect(withStackLock(dir, async () => 'next')).resolves.toBe('next');
  });

  it('takes over a lock whose owner is dead', async () => {
    // pid 2^22+1 is above the default pid_max, so it cannot belong to a live process.
    await writeFile(join(dir, '.lock'), `${2 ** 22 + 1}\n`);
    await expect(withStackLock(dir, async () => 'ran', 2_000)).resolves.toBe('ran');
  });

  it('waits for a live owner and gives up with its pid named', async () => {
    await writeFile(join(dir, '.lock'), '1\n');
    await expect(withStackLock(dir, async () => 'ran', 300)).rejects.toThrow(/\(pid 1\) holds/);
    await rm(join(dir, '.lock'));
  });
});
