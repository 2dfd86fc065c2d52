import { appendFile, copyFile, mkdtemp, rename, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodePayloadGenerally, EnvelopeReader, encodeEnvelope } from '@sluice/brokers';
import { createLogger, recordId } from '@sluice/core';
import { describe, expect, it } from 'vitest';
import { waitFor } from '../../../test/support/wait.js';
import { FileInput, type FileInputOptions } from './inputs/file.js';
import { FileRegistry } from './registry.js';
import { Shipper, type ShipperOptions } from './shipper.js';
import { MemoryProducer } from './testing/memory-producer.js';

const log = createLogger({ level: 'silent' });

function lines(from: number, to: number, prefix = 'line'): string {
  let s = '';
  for (let i = from; i < to; i++) s += `${prefix} ${i}\n`;
  return s;
}

function start(
  input: Partial<FileInputOptions> & { paths: string[] },
  extra: Partial<ShipperOptions> & { registry?: FileRegistry } = {},
) {
  const producer = (extra.producer as MemoryProducer | undefined) ?? new MemoryProducer();
  const fileInput = new FileInput(
    { follow: true, shipperId: 'test', scanIntervalMs: 30, pollIntervalMs: 10, ...input },
    extra.registry,
    log,
  );
  const shipper = new Shipper({
    producer,
    inputs: [fileInput],
    hostName: 'h1',
    shipperId: 'test',
    logger: log,
    retry: { initialMs: 5, maxMs: 20 },
    ...extra,
  });
  const stop = new AbortController();
  const done = shipper.run(stop.signal);
  return {
    producer,
    shipper,
    stop: () => {
      stop.abort();
      return done;
    },
    done,
  };
}

describe('Shipper with files', () => {
  it('one-shot: ships every line with deterministic ids and metadata, then resolves', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ship-'));
    const path = join(dir, 'a.log');
    await writeFile(path, `${lines(0, 1200)}no newline at end`);
    const { producer, done } = start(
      { paths: [path], follow: false },
      { fields: { env: 'test' }, tags: ['t1'] },
    );
    const stats = await done;
    expect(stats.lines).toBe(1201);
    expect(producer.records.map((r) => r.line).at(-1)).toBe('no newline at end');
    const first = producer.records[0];
    expect(first).toMatchObject({ line: 'line 0', source: path, offset: 0 });
    expect(first?.fields).toMatchObject({
      'host.name': 'h1',
      'agent.id': 'test',
      'log.file.path': path,
      'log.offset': 0,
      env: 'test',
      tags: ['t1'],
    });
    expect(typeof first?.fields?.['event.created']).toBe('string');
    expect(new Set(producer.records.map((r) => r.id)).size).toBe(1201);
    // Same file, read again: same ids (a re-ship collapses downstream).
    const again = start({ paths: [path], follow: false });
    await again.done;
    expect(again.producer.records.map((r) => r.id)).toEqual(producer.records.map((r) => r.id));
    expect(producer.records[1]?.id).not.toBe(recordId(path, 7)); // identity is dev:ino:gen, not the path
  });

  it("its envelopes are in the layout the consumer's envelope reader takes, not only the general JSON.parse", async () => {
    // The reader's shortcut declines anything but the writer's exact layout; a change in the
    // fields the shipper adds (their names or order) must not silently send every line the
    // slow way, as `log.offset` before `event.created` once did.
    const dir = await mkdtemp(join(tmpdir(), 'ship-'));
    const path = join(dir, 'a.log');
    await writeFile(path, `${lines(0, 300)}GET "/q?a=\\b" é`);
    const { producer, done } = start(
      { paths: [path], follow: false },
      { fields: { env: 'test' }, tags: ['t1'] },
    );
    await done;
    const reader = new EnvelopeReader();
    const ctx = { origin: 'redis:logs', stream: 'logs' };
    for (const record of producer.records) {
      const payload = encodeEnvelope(record);
      const read = reader.read(payload, ctx.origin);
      expect(read, payload).toBeDefined();
      expect(JSON.stringify(read)).toBe(JSON.stringify(decodePayloadGenerally(payload, ctx)));
    }
    expect(producer.records).toHaveLength(301);
  });

  it('resumes from the registry after a restart, sending nothing twice that was confirmed', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ship-'));
    const path = join(dir, 'a.log');
    const registryPath = join(dir, 'registry.json');
    await writeFile(path, lines(0, 100));
    const first = start(
      { paths: [path], follow: false },
      { registry: await FileRegistry.open(registryPath) },
    );
    await first.done;
    await appendFile(path, lines(100, 150));
    const second = start(
      { paths: [path], follow: false },
      { registry: await FileRegistry.open(registryPath) },
    );
    await second.done;
    expect(second.producer.records.map((r) => r.line)).toEqual(lines(100, 150).trimEnd().split('\n'));
  });

  it('follow: rename-and-create and copytruncate rotations, every line exactly once', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ship-'));
    const path = join(dir, 'app.log');
    await writeFile(path, '');
    const { producer, stop } = start({ paths: [path] });
    let n = 0;
    const write = async (count: number) => {
      await appendFile(path, lines(n, n + count, 'rot'));
      n += count;
    };
    const shipped = () => producer.records.length;
    await write(50);
    await waitFor('first lines', () => shipped() === 50);
    // rename + create, with lines appended to the old file after the rename (the writer still has it open)
    await rename(path, `${path}.1`);
    await appendFile(`${path}.1`, lines(n, n + 5, 'rot'));
    n += 5;
    await writeFile(path, '');
    await write(40);
    await waitFor('lines after rename', () => shipped() === 95);
    // copytruncate: the tail must have been read before the truncation (as with any copytruncate)
    await copyFile(path, `${path}.2`);
    await truncate(path, 0);
    await write(30);
    await waitFor('lines after copytruncate', () => shipped() === 125);
    await rename(path, `${path}.3`);
    await writeFile(path, lines(n, n + 10, 'rot'));
    n += 10;
    await waitFor('lines after second rename', () => shipped() === 135);
    await stop();
    const got = producer.records.map((r) => r.line).sort();
    const want = lines(0, n, 'rot').trimEnd().split('\n').sort();
    expect(got).toEqual(want);
    expect(new Set(producer.records.map((r) => r.id)).size).toBe(n);
  });

  it('a truncated file is read again under a new generation, so equal offsets get new ids', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ship-'));
    const path = join(dir, 'a.log');
    await writeFile(path, 'aaaa\nbbbb\n');
    const { producer, stop } = start({ paths: [path] });
    await waitFor('first lines', () => producer.records.length === 2);
    await truncate(path, 0);
    await new Promise((r) => setTimeout(r, 50));
    await writeFile(path, 'cc\n');
    await waitFor('line after truncation', () => producer.records.length === 3);
    await stop();
    expect(producer.records.map((r) => [r.line, r.offset])).toEqual([
      ['aaaa', 0],
      ['bbbb', 5],
      ['cc', 0],
    ]);
    expect(producer.records[2]?.id).not.toBe(producer.records[0]?.id);
  });

  it('reads plain paths as they are, and paths with glob characters as tinyglobby reads them', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ship-'));
    // Literal names with characters globs use: tinyglobby is asked, and says they are literal.
    await writeFile(join(dir, 'app@2.log'), 'at 1\n');
    await writeFile(join(dir, 'a+b.log'), 'plus 1\n');
    await writeFile(join(dir, 'plain.log'), 'plain 1\n');
    await writeFile(join(dir, 'x1.txt'), 'x 1\n');
    await writeFile(join(dir, 'x2.txt'), 'x 2\n');
    const paths = ['app@2.log', 'a+b.log', 'plain.log', 'x?.txt'].map((p) => join(dir, p));
    const { producer, done } = start({ paths, follow: false });
    await done;
    expect(producer.records.map((r) => r.line).sort()).toEqual(['at 1', 'plain 1', 'plus 1', 'x 1', 'x 2']);
  });

  it('--from-end skips what files held at start-up, but not files that appear later', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ship-'));
    await writeFile(join(dir, 'old.log'), 'old 1\nold 2\n');
    const { producer, stop } = start({ paths: [join(dir, '*.log')], startAt: 'end' });
    await new Promise((r) => setTimeout(r, 100));
    await appendFile(join(dir, 'old.log'), 'old 3\n');
    await writeFile(join(dir, 'new.log'), 'new 1\n');
    await waitFor('new lines', () => producer.records.length === 2);
    await stop();
    expect(producer.records.map((r) => r.line).sort()).toEqual(['new 1', 'old 3']);
  });

  it('broker down: reading stops at the queue bound, nothing is lost, and it resumes', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ship-'));
    const path = join(dir, 'a.log');
    await writeFile(path, lines(0, 5_000));
    const producer = new MemoryProducer();
    producer.down = true;
    const { shipper, stop } = start(
      { paths: [path] },
      { producer, queue: { maxEvents: 100 }, batch: { maxEvents: 50 } },
    );
    await waitFor('retries', () => producer.attempts.length >= 3);
    // Bounded: one batch in the publisher plus at most the queue's 100 events, nothing more read.
    expect(shipper.queue.size).toBeLessThanOrEqual(100);
    expect(shipper.healthy).toBe(false);
    producer.down = false;
    await waitFor('all lines after recovery', () => producer.records.length === 5_000);
    await stop();
    expect(new Set(producer.records.map((r) => r.line)).size).toBe(5_000);
    expect(shipper.stats.publishErrors).toBeGreaterThanOrEqual(3);
    expect(shipper.stats.backpressureSeconds).toBeGreaterThan(0);
  });

  it('multiline java in a file: one event per exception, offset of its first line', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ship-'));
    const path = join(dir, 'java.log');
    const exception = (i: number) =>
      `2024-01-01 ERROR failure ${i}\njava.lang.RuntimeException: e${i}\n\tat a.B.c(B.java:1)\nCaused by: java.io.IOException: x\n\t... 3 more\n`;
    await writeFile(path, `${exception(1)}2024-01-01 INFO fine\n${exception(2)}`);
    const { producer, done } = start({ paths: [path], follow: false, multiline: { preset: 'java' } });
    await done;
    expect(producer.records.map((r) => r.line.split('\n').length)).toEqual([5, 1, 5]);
    expect(producer.records[2]?.offset).toBe(exception(1).length + '2024-01-01 INFO fine\n'.length);
    expect(producer.records[0]?.fields?.tags).toEqual(['multiline']);
  });

  it('forgets files rotated away once they are closed, here and in the registry', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ship-'));
    const path = join(dir, 'a.log');
    const registry = await FileRegistry.open(join(dir, 'registry.json'));
    await writeFile(path, 'one\n');
    const { producer, stop } = start({ paths: [path], closeInactiveMs: 100 }, { registry });
    await waitFor('first line', () => producer.records.length === 1);
    await rename(path, `${path}.1`);
    await writeFile(path, 'two\n');
    await waitFor('line of the new file', () => producer.records.length === 2);
    await waitFor('the rotated file forgotten', () => registry.all().length === 1);
    await stop();
    expect(registry.all()[0]).toMatchObject({ path, offset: 4 });
  });

  it('maxInFlight: batches overlap, but are confirmed strictly in order even when an earlier one is retried', async () => {
    const producer = new MemoryProducer();
    producer.latencyMs = 20;
    producer.failNext = 1; // the first batch fails once and is retried while later ones succeed
    const confirmed: number[] = [];
    // Two sources, alternating: each checkpoint sees only its own ends, in order.
    const others: number[] = [];
    const checkpoint = { advance: (end: number) => confirmed.push(end) };
    const other = { advance: (end: number) => others.push(end) };
    const input = {
      name: 'numbers',
      async run(sink: import('./event.js').EventSink) {
        for (let i = 0; i < 100; i++) {
          await sink.push({
            input: 'stdin',
            text: `n${i}`,
            source: 'numbers',
            idSource: 'numbers',
            offset: i,
            bytes: 2,
            readAt: Date.now(),
            checkpoint: i % 7 === 3 ? other : checkpoint,
            end: i + 1,
          });
        }
      },
    };
    const shipper = new Shipper({
      producer,
      inputs: [input],
      logger: log,
      retry: { initialMs: 30, maxMs: 30 },
      batch: { maxEvents: 10, maxInFlight: 4, lingerMs: 0 },
    });
    await shipper.run(new AbortController().signal);
    expect(producer.maxConcurrent).toBeGreaterThan(1);
    expect(producer.maxConcurrent).toBeLessThanOrEqual(4);
    // Never backwards (a later batch confirmed first would show as a larger end before a
    // smaller one), and per run of a source's lines in a batch, not per line.
    const increasing = (xs: number[]) => xs.every((x, i) => i === 0 || x > (xs[i - 1] as number));
    expect(increasing(confirmed) && increasing(others)).toBe(true);
    expect(confirmed.length).toBeLessThan(50);
    expect(confirmed.at(-1)).toBe(100);
    expect(others.at(-1)).toBe(7 * 13 + 3 + 1);
    expect(new Set(producer.records.map((r) => r.line)).size).toBe(100);
  });
});
