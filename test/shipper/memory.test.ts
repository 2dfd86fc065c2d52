import { mkdtemp, open, readFile, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { type BrokerHarness, harnessFor } from '../support/broker-harness.js';
import { registryOffset, shipCli } from './support.js';

/**
 * Bounded memory, sized for a quick run: a 50 MiB file (the 1 GiB run is
 * test/faults/shipper-large-file.test.ts). If the shipper held what it read, RSS would grow
 * with the file (the file's bytes and more as JS strings); bounded, it stays flat after
 * warm-up. Flat is judged on medians: single samples swing by 30-45 MiB between garbage
 * collections (measured 147-192 MiB on one run), so a lone sample at 10% is no baseline.
 * One backend is enough: the queue and reader under test are the same for all.
 */
const SIZE_MIB = 50;
const WARM_UP = 0.1;
const LAST_THIRD_ABOVE_FIRST_MIB = 24;
const PEAK_ABOVE_FIRST_MIB = 64;

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] as number;
}

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
  it(`ships a ${SIZE_MIB} MiB file with flat RSS after warm-up`, async () => {
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

    const run = shipCli(['ship', '--file', file, '--to', h.url(stream), '--registry', registry]);
    const pid = run.child.pid as number;
    const warm: number[] = [];
    let exited = false;
    void run.exit.then(() => {
      exited = true;
    });
    while (!exited) {
      const rss = await rssMiB(pid);
      if (rss !== undefined && !exited && (await registryOffset(registry)) / size >= WARM_UP) warm.push(rss);
      await new Promise((r) => setTimeout(r, 50));
    }
    const result = await run.exit;
    expect(result.code, result.output).toBe(0);
    expect(warm.length, 'too few samples after 10% was confirmed').toBeGreaterThanOrEqual(9);
    const third = Math.floor(warm.length / 3);
    const first = median(warm.slice(0, third));
    const last = median(warm.slice(-third));
    const peak = Math.max(...warm);
    console.log(
      `shipper RSS after 10% of a ${SIZE_MIB} MiB file: median ${first.toFixed(0)} MiB in the first third, ` +
        `${last.toFixed(0)} MiB in the last, peak ${peak.toFixed(0)} MiB (${warm.length} samples)`,
    );
    expect(last - first).toBeLessThan(LAST_THIRD_ABOVE_FIRST_MIB);
    expect(peak - first).toBeLessThan(PEAK_ABOVE_FIRST_MIB);
  }, 300_000);
});
