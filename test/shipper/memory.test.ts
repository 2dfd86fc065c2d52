import { mkdtemp, open, readFile, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { type BrokerHarness, harnessFor } from '../support/broker-harness.js';
import { registryOffset, runCli } from './support.js';

/**
 * Bounded memory, sized for CI: a 50 MiB file (the 1 GiB run is in
 * benchmarks/shipper, which records peak RSS). If the shipper held what it read, RSS would
 * grow with the file (the file's bytes and more as JS strings); bounded, it stays flat after
 * warm-up. One backend is enough: the queue and reader under test are the same for all.
 */
const SIZE_MIB = 50;
const GROWTH_LIMIT_MIB = 40;

let h: BrokerHarness | undefined;
afterAll(async () => {
  await h?.close();
});

async function rssMiB(pid: number): Promise<number | undefined> {
  try {
    const status = await readFile(`/proc/${pid}/status`, 'utf8');
    const kb = /VmRSS:\s+(\d+) kB/.exec(status)?.[1];
    return kb ? Number(kb) / 1024 : undefined;
  } catch {
    return undefined;
  }
}

describe('shipper memory', () => {
  it(`ships a ${SIZE_MIB} MiB file with RSS growth under ${GROWTH_LIMIT_MIB} MiB after warm-up`, async () => {
    h = await harnessFor('redis');
    if (!h.ready) return expect.unreachable('redis is not running; start it to run this test');
    const stream = h.stream('ship-rss');
    const dir = await mkdtemp(join(tmpdir(), 'sluice-rss-'));
    const file = join(dir, 'big.log');
    const registry = join(dir, 'registry.json');
    const handle = await open(file, 'w');
    const line = (i: number) =>
      `2024-05-01T10:00:00Z host app[${i % 1000}]: request ${i} served in ${i % 997} ms ${'z'.repeat(40)}\n`;
    let written = 0;
    let i = 0;
    while (written < SIZE_MIB * 1024 * 1024) {
      let chunk = '';
      for (let k = 0; k < 5_000; k++) chunk += line(i++);
      await handle.write(chunk);
      written += Buffer.byteLength(chunk);
    }
    await handle.close();
    const size = (await stat(file)).size;

    const run = runCli(['ship', '--file', file, '--to', h.url(stream), '--registry', registry]);
    const pid = run.child.pid as number;
    let warm: number | undefined;
    let peak = 0;
    let exited = false;
    void run.exit.then(() => {
      exited = true;
    });
    while (!exited) {
      const rss = await rssMiB(pid);
      if (rss !== undefined) {
        const progress = (await registryOffset(registry)) / size;
        if (warm === undefined && progress >= 0.1) warm = rss;
        if (warm !== undefined) peak = Math.max(peak, rss);
      }
      await new Promise((r) => setTimeout(r, 50));
    }
    const result = await run.exit;
    expect(result.code, result.output).toBe(0);
    expect(warm, 'the run ended before 10% was confirmed').toBeDefined();
    const growth = peak - (warm as number);
    console.log(
      `shipper RSS: ${(warm as number).toFixed(0)} MiB at 10%, peak ${peak.toFixed(0)} MiB after (${SIZE_MIB} MiB file)`,
    );
    expect(growth).toBeLessThan(GROWTH_LIMIT_MIB);
  }, 300_000);
});
