import { mkdtemp, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { type BrokerHarness, harnessFor } from '../support/broker-harness.js';
import { BACKENDS, collect, registryOffset, shipCli } from './support.js';

const harnesses = new Map<string, BrokerHarness>();
afterAll(async () => {
  for (const h of harnesses.values()) await h.close();
});

async function ready(kind: (typeof BACKENDS)[number]): Promise<BrokerHarness> {
  const h = harnesses.get(kind) ?? (await harnessFor(kind));
  harnesses.set(kind, h);
  if (!h.ready) expect.unreachable(`${kind} is not running; start it (pnpm stack up) to run this test`);
  return h;
}

const LINES = 20_000;
const BATCH = 200;

describe.each(BACKENDS)('shipper crash and restart: %s', (kind) => {
  it('SIGKILL mid-file, then restart: no line missing, duplicates only from the last unconfirmed batch', async () => {
    const h = await ready(kind);
    const stream = h.stream('ship-crash');
    const dir = await mkdtemp(join(tmpdir(), 'sluice-crash-'));
    const file = join(dir, 'big.log');
    const registry = join(dir, 'registry.json');
    let text = '';
    for (let i = 0; i < LINES; i++) text += `${kind} crash line ${i} ${'y'.repeat(i % 40)}\n`;
    await writeFile(file, text);
    const size = (await stat(file)).size;
    const args = [
      'ship',
      '--file',
      file,
      '--to',
      h.url(stream),
      '--registry',
      registry,
      '--batch-size',
      String(BATCH),
    ];

    const first = shipCli(args);
    let killedAt = 0;
    for (;;) {
      const offset = await registryOffset(registry);
      if (offset > 0) {
        first.child.kill('SIGKILL');
        killedAt = offset;
        break;
      }
      if (first.child.exitCode !== null) break;
      await new Promise((r) => setTimeout(r, 5));
    }
    const killed = await first.exit;
    expect(killed.signal, killed.output).toBe('SIGKILL');
    expect(killedAt).toBeLessThan(size); // killed mid-file, not after the end

    const second = await shipCli(args).exit;
    expect(second.code, second.output).toBe(0);
    expect(await registryOffset(registry)).toBe(size);

    const records = await collect(h, stream, LINES);
    const ids = new Set(records.map((r) => r.id));
    const lines = new Set(records.map((r) => r.line));
    expect(lines.size).toBe(LINES); // none missing
    expect(ids.size).toBe(LINES); // a re-sent line kept its id
    expect(records.length - LINES).toBeLessThanOrEqual(BATCH); // at most the batch in flight was sent twice
  }, 180_000);
});

describe.each(BACKENDS)('shipper multiline: %s', (kind) => {
  it('a Java log with stack traces becomes one event per exception', async () => {
    const h = await ready(kind);
    const stream = h.stream('ship-java');
    const dir = await mkdtemp(join(tmpdir(), 'sluice-java-'));
    const file = join(dir, 'app.log');
    const EXCEPTIONS = 40;
    let text = '';
    for (let i = 0; i < EXCEPTIONS; i++) {
      text += `2024-05-01 10:00:${String(i % 60).padStart(2, '0')} INFO request ${i} ok\n`;
      text += `2024-05-01 10:00:${String(i % 60).padStart(2, '0')} ERROR request ${i} failed\n`;
      text += `java.lang.IllegalStateException: failure ${i}\n`;
      for (let f = 0; f < 12; f++) text += `\tat com.example.Layer${f}.call(Layer${f}.java:${f + 10})\n`;
      text += `Caused by: java.net.SocketTimeoutException: timeout ${i}\n\tat java.net.Socket.read(Socket.java:1)\n\t... 12 more\n`;
    }
    await writeFile(file, text);
    const run = await shipCli(['ship', '--file', file, '--to', h.url(stream), '--multiline', 'java']).exit;
    expect(run.code, run.output).toBe(0);
    const records = await collect(h, stream, EXCEPTIONS * 2);
    expect(records).toHaveLength(EXCEPTIONS * 2);
    const errors = records.filter((r) => r.line.includes(' ERROR '));
    expect(errors).toHaveLength(EXCEPTIONS);
    for (const e of errors) {
      const lines = e.line.split('\n');
      expect(lines).toHaveLength(1 + 1 + 12 + 3);
      expect(lines.at(-1)).toBe('\t... 12 more');
    }
  }, 120_000);
});
