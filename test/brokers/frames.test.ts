import { setTimeout as sleep } from 'node:timers/promises';
import {
  type BrokerTarget,
  type Consumer,
  type ConsumerOptions,
  createConsumer,
  createProducer,
  type Producer,
  parseBrokerUrl,
} from '@sluice/brokers';
import { type InboundRecord, type OutboundRecord, recordId } from '@sluice/core';
import { afterAll, afterEach, describe, expect, it as itReal } from 'vitest';
import { type BrokerHarness, harnessFor } from '../support/broker-harness.js';
import { waitFor } from '../support/wait.js';

/**
 * Frames (`?linesPerMessage=N`, packages/brokers/src/frame.ts) on the backends that offer
 * them, against real brokers: every line arrives once with the id, line, source, offset
 * and fields it was shipped with; a frame is never split across batches, so it is
 * acknowledged only when all its lines are; redelivery and re-shipping in other frame cuts
 * keep every line's id. Exact counts, one stream per test.
 */
const BACKENDS = ['redis', 'kafka'] as const;

const harnesses = new Map<string, BrokerHarness>(
  await Promise.all(BACKENDS.map(async (k) => [k, await harnessFor(k)] as const)),
);
const open: { close(): Promise<void> }[] = [];
afterEach(async () => {
  await Promise.allSettled(open.splice(0).map((c) => c.close()));
});
afterAll(async () => {
  for (const h of harnesses.values()) await h.close();
});

/** Lines of two files, interleaved the way a shipper's batch mixes them, with shipper-like fields. */
function shipped(count: number, from = 0): OutboundRecord[] {
  return Array.from({ length: count }, (_, k) => {
    const i = from + k;
    const source = i % 3 === 0 ? '/var/log/b.log' : '/var/log/a.log';
    return {
      id: recordId(source, i * 100),
      line: `10.0.0.${i % 250} - - "GET /${i} HTTP/1.1" 200 ${i}`,
      source,
      offset: i * 100,
      shippedAt: 1_767_323_045_000 + Math.floor(i / 40),
      fields: { 'host.name': 'web-1', 'log.file.path': source, 'log.offset': i * 100, tags: ['edge'] },
    };
  });
}

describe.each(BACKENDS)('frames: %s', (kind) => {
  const harness = harnesses.get(kind) as BrokerHarness;
  if (!harness.ready) itReal.skip(`${kind} is not reachable`, () => {});
  const it = harness.ready ? itReal : itReal.skip;

  const setup = (prefix: string) => {
    const stream = harness.stream(`frames-${prefix}`);
    const plain = parseBrokerUrl(harness.url(stream));
    const framed = (lines: number): BrokerTarget => ({
      ...plain,
      options: { ...plain.options, linesPerMessage: String(lines) },
    });
    const producer = async (lines: number): Promise<Producer> => {
      const p = await createProducer(framed(lines), harness.producerOptions);
      open.push(p);
      return p;
    };
    // Frames are recognised by themselves; the URL's linesPerMessage (`hint`), shared with
    // the producer, only bounds a Redis consumer's first batch.
    const consumer = async (options: ConsumerOptions = {}, hint?: number): Promise<Consumer> => {
      const target = hint === undefined ? plain : framed(hint);
      const c = await createConsumer(target, { ...harness.consumerOptions(stream), ...options });
      open.push(c);
      return c;
    };
    return { stream, producer, consumer };
  };

  /** Runs a consumer until `count` records are acknowledged; returns them and the batch sizes. */
  const drain = async (c: Consumer, count: number, onBatch?: (n: number) => void) => {
    const got: InboundRecord[] = [];
    const running = c.run(async (batch) => {
      onBatch?.(batch.records.length);
      got.push(...batch.records);
      await batch.ack();
    });
    await waitFor(`${count} records`, () => got.length >= count);
    await sleep(300); // nothing more may come
    await c.close();
    await running;
    return got;
  };

  it('delivers every line once, in order per source, as it was shipped, in batches that never split a frame', async () => {
    const { producer, consumer } = setup('order');
    const sent = shipped(250);
    const p = await producer(20);
    await p.publish(sent.slice(0, 130));
    await p.publish(sent.slice(130));
    const sizes: number[] = [];
    const got = await drain(await consumer({ batchSize: 50 }, 20), 250, (n) => sizes.push(n));
    expect(got).toHaveLength(250);
    const bySource = <T extends { source?: string | undefined }>(rs: readonly T[], s: string) =>
      rs.filter((r) => r.source === s);
    for (const source of ['/var/log/a.log', '/var/log/b.log']) {
      expect(
        bySource(got, source).map(({ id, line, source, offset, shippedAt, fields, format }) => ({
          id,
          line,
          source,
          offset,
          shippedAt,
          fields,
          format,
        })),
      ).toEqual(
        bySource(sent, source).map(({ id, line, source, offset, shippedAt, fields }) => ({
          id,
          line,
          source,
          offset,
          shippedAt,
          fields,
          format: 'sluice',
        })),
      );
    }
    // Whole frames only: at most batchSize plus the rest of the frame that crossed it.
    for (const n of sizes) expect(n).toBeLessThanOrEqual(50 + 19);
  });

  it('a handler that throws gets the whole frame again, under the same ids, and lag ends at zero', async () => {
    const { producer, consumer } = setup('retry');
    const sent = shipped(30);
    await (await producer(10)).publish(sent);
    let attempts = 0;
    const acked: string[] = [];
    const c = await consumer({ batchSize: 10, maxInFlightBatches: 1 });
    const running = c.run(async (batch) => {
      attempts++;
      if (attempts === 1) throw new Error('indexing failed');
      acked.push(...batch.records.map((r) => r.id));
      await batch.ack();
    });
    await waitFor('every line acknowledged', () => new Set(acked).size >= 30);
    await c.close();
    await running;
    expect(attempts).toBeGreaterThanOrEqual(2);
    expect([...new Set(acked)].sort()).toEqual(sent.map((r) => r.id).sort());
    expect((await (await consumer()).lag()).reduce((n, s) => n + s.lag, 0)).toBe(0);
  });

  it('lines re-shipped in frames cut differently keep their ids, so the copies collapse', async () => {
    const { producer, consumer } = setup('reship');
    const sent = shipped(30);
    await (await producer(7)).publish(sent);
    // A shipper restarted from its registry sends the same lines again, batched differently.
    await (await producer(10)).publish(sent.slice(5));
    const got = await drain(await consumer({ batchSize: 100 }), 55);
    expect(got).toHaveLength(55);
    expect(new Set(got.map((r) => r.id))).toEqual(new Set(sent.map((r) => r.id)));
    const byId = new Map(sent.map((r) => [r.id, r.line]));
    for (const r of got) expect(r.line).toBe(byId.get(r.id));
  });

  it('format=beats cannot be framed', async () => {
    const { stream } = setup('beats');
    const target = parseBrokerUrl(harness.url(stream));
    await expect(
      createProducer({ ...target, options: { ...target.options, linesPerMessage: '5', format: 'beats' } }),
    ).rejects.toThrow(/linesPerMessage must be 1 with format=beats/);
  });

  if (kind === 'redis') {
    it('without linesPerMessage on its URL, the consumer sizes batches by the frames it has seen', async () => {
      const { producer, consumer } = setup('adapt');
      await (await producer(10)).publish(shipped(1_000));
      const sizes: number[] = [];
      const got = await drain(await consumer({ batchSize: 30, maxInFlightBatches: 1 }), 1_000, (n) =>
        sizes.push(n),
      );
      expect(got).toHaveLength(1_000);
      // The first take is batchSize elements (30 frames); then 3 frames, batchSize lines.
      expect(sizes).toEqual([300, ...Array.from({ length: 23 }, () => 30), 10]);
    });

    it('a malformed frame is dead-lettered as one element and the rest flows', async () => {
      const { stream, producer, consumer } = setup('poison');
      const good = shipped(20);
      await (await producer(10)).publish(good.slice(0, 10));
      await harness.publishRaw(stream, [
        '{"sluice_frame":1,"ids":["a"],"lines":[]}',
        '{"sluice_frame":9,"ids":["a"],"lines":["x"]}',
      ]);
      await (await producer(10)).publish(good.slice(10));
      const got = await drain(await consumer({ batchSize: 100 }), 20);
      expect(got.map((r) => r.id)).toEqual(good.map((r) => r.id));
      await waitFor('2 dead letters', async () => (await harness.deadLetterCount(stream)) === 2);
    });
  }
});
