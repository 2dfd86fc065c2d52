import { encodeFrame, packPayloads } from '@sluice/brokers';
import { type EncodedBatch, itemCount, itemText, type OutboundRecord } from '@sluice/core';
import { ParserPool } from '@sluice/parser';
import { afterAll, describe, expect, test } from 'vitest';

// Real worker threads from dist/, decoding with the broker package's built decoder
// (`pnpm exec tsc -b` first), as `sluice consume` runs them.
const DECODER = new URL('../../brokers/dist/payloads.js', import.meta.url).href;

function sources(batch: EncodedBatch): Array<{ id: string; source: Record<string, unknown> }> {
  const out = [];
  for (let i = 0; i < itemCount(batch); i++) {
    const [action, source] = itemText(batch, i).split('\n');
    const id = (JSON.parse(action as string) as { create: { _id: string } }).create._id;
    out.push({ id, source: JSON.parse(source as string) as Record<string, unknown> });
  }
  return out;
}

const pools: ParserPool[] = [];
afterAll(async () => {
  await Promise.all(pools.map((p) => p.close()));
});

const shippedAt = Date.UTC(2026, 0, 2, 3, 4, 5);
const line = (i: number, text: string): OutboundRecord => ({
  id: `id-${i}`,
  line: text,
  source: '/var/log/app.log',
  offset: i,
  shippedAt,
  fields: { tags: ['edge'] },
});

describe('ParserPool.encodePayloads', () => {
  test('decodes a frame in the worker: one item per line under its own id, each line with its own copy of shared fields', async () => {
    const pool = await ParserPool.create({
      pipeline: { patterns: ['^%{NUMBER:n}$'] },
      index: 'logs',
      threads: 1,
      payloadDecoder: DECODER,
    });
    pools.push(pool);
    // Lines that do not match get `_grokparsefailure` added to their tags: were the frame's
    // shared `tags` array not copied per line, the second line would carry the first's tag too.
    const frame = encodeFrame([line(0, 'abc'), line(1, 'def'), line(2, '42')]);
    const raw = packPayloads([Buffer.from(frame), Buffer.from('{"broken')], {
      codec: 'list',
      stream: 'logs',
      origin: 'redis:logs',
    });
    const encodePayloads = pool.encodePayloads;
    if (encodePayloads === undefined) throw new Error('a pool with a payload decoder encodes payloads');
    const batch = await encodePayloads(raw);
    expect(batch.records).toBe(3);
    expect(Array.from(batch.recordIndex)).toEqual([0, 1, 2]);
    expect(Array.from(batch.shippedAt)).toEqual([shippedAt, shippedAt, shippedAt]);
    expect(batch.poison).toEqual([{ payload: 1, reason: expect.stringContaining('JSON') }]);
    const docs = sources(batch);
    expect(docs.map((d) => d.id)).toEqual(['id-0', 'id-1', 'id-2']);
    expect(docs.map((d) => d.source.tags)).toEqual([
      ['edge', '_grokparsefailure'],
      ['edge', '_grokparsefailure'],
      ['edge'],
    ]);
    expect(docs[2]?.source.n).toBe('42');
  });

  test('a pool without a payload decoder has no encodePayloads, and a bad decoder URL is refused by name', async () => {
    const pool = await ParserPool.create({
      pipeline: { patterns: ['%{GREEDYDATA:x}'] },
      index: 'logs',
      threads: 1,
    });
    pools.push(pool);
    expect(pool.encodePayloads).toBeUndefined();
    await expect(
      ParserPool.create({
        pipeline: { patterns: ['%{GREEDYDATA:x}'] },
        index: 'logs',
        payloadDecoder: 'payloads.js',
      }),
    ).rejects.toThrow('parser "payloadDecoder" must be a file: URL of a module, got "payloads.js"');
  });
});
