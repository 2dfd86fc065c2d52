import { appendFile, copyFile, mkdtemp, rename, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { type BrokerHarness, harnessFor } from '../support/broker-harness.js';
import { waitFor } from '../support/wait.js';
import { BACKENDS, collect, shipInProcess } from './support.js';

const harnesses = new Map<string, BrokerHarness>();
afterAll(async () => {
  for (const h of harnesses.values()) await h.close();
});

describe.each(BACKENDS)('shipper rotation: %s', (kind) => {
  it('a file rotated three times while shipping (rename, copytruncate, rename): every line arrives exactly once', async () => {
    const h = harnesses.get(kind) ?? (await harnessFor(kind));
    harnesses.set(kind, h);
    if (!h.ready)
      return expect.unreachable(`${kind} is not running; start it (pnpm stack up) to run this test`);
    const stream = h.stream('ship-rotate');
    const dir = await mkdtemp(join(tmpdir(), 'sluice-rotate-'));
    const path = join(dir, 'app.log');
    await writeFile(path, '');
    const run = await shipInProcess(h.url(stream), { paths: [path], follow: true });
    let n = 0;
    const write = async (count: number) => {
      let s = '';
      for (let i = 0; i < count; i++) s += `${kind} rotated line ${n++} ${'x'.repeat(n % 50)}\n`;
      await appendFile(path, s);
    };
    const shipped = (count: number) =>
      waitFor(`${count} lines confirmed`, () => run.shipper.stats.lines >= count, 30_000);
    for (let i = 0; i < 5; i++) await write(200);
    await shipped(n);
    // 1: rename and create; the writer still appends to the renamed file for a moment.
    await rename(path, `${path}.1`);
    await appendFile(`${path}.1`, `${kind} rotated line ${n++} late write to the renamed file\n`);
    await writeFile(path, '');
    for (let i = 0; i < 5; i++) await write(200);
    // 2: copytruncate (the copy is not watched; lines must have been read before the truncation).
    await shipped(n);
    await copyFile(path, `${path}.2`);
    await truncate(path, 0);
    for (let i = 0; i < 5; i++) await write(200);
    // 3: rename and create again.
    await shipped(n);
    await rename(path, `${path}.3`);
    await writeFile(path, '');
    await write(300);
    await shipped(n);
    await run.stop();

    const records = await collect(h, stream, n);
    const lines = records.map((r) => r.line);
    expect(records.length).toBe(n);
    expect(new Set(records.map((r) => r.id)).size).toBe(n);
    expect(new Set(lines).size).toBe(n);
    const numbers = new Set(lines.map((l) => Number(l.split(' ')[3])));
    const missing = Array.from({ length: n }, (_, i) => i).filter((i) => !numbers.has(i));
    expect(missing).toEqual([]);
  });
});
