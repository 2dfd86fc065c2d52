import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateLines } from '@sluice/testkit';
import { afterAll, describe, expect, it } from 'vitest';
import { brokerUrl, runCli } from '../support/cli.js';
import { testEnv, uniqueName } from '../support/env.js';

const sluice = runCli;

async function refresh(index: string): Promise<void> {
  const res = await fetch(`${testEnv().elasticsearchUrl}/${index}/_refresh`, { method: 'POST' });
  if (!res.ok) throw new Error(`refresh ${index}: ${res.status} ${await res.text()}`);
}

async function es<T>(path: string, body?: unknown): Promise<T> {
  const res = await fetch(`${testEnv().elasticsearchUrl}${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: { 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  if (!res.ok) throw new Error(`${path}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

const dir = mkdtempSync(join(tmpdir(), 'sluice-e2e-'));
const createdIndices: string[] = [];
afterAll(async () => {
  for (const index of createdIndices)
    await fetch(`${testEnv().elasticsearchUrl}/${index}`, { method: 'DELETE' });
});

describe.each(['kafka', 'redis', 'rabbitmq'])('ship -> %s -> consume -> Elasticsearch', (kind) => {
  it('indexes exactly one document per line, and the 5xx count matches the file', () =>
    shipConsumeIndex(kind, ''));
});

// Frames (`?linesPerMessage=N`, packages/brokers/src/frame.ts): the same guarantees when 100
// lines share one Kafka message or Redis element, re-shipping included.
describe.each(['kafka', 'redis'])('ship -> %s in frames -> consume -> Elasticsearch', (kind) => {
  it('indexes exactly one document per line with ?linesPerMessage=100, and again after re-shipping', () =>
    shipConsumeIndex(kind, '?linesPerMessage=100'));
});

async function shipConsumeIndex(kind: string, query: string): Promise<void> {
  const lines = [...generateLines(3_000, { format: 'combined', seed: kind.length })];
  const file = join(dir, `${kind}${query ? '-framed' : ''}-access.log`);
  writeFileSync(file, `${lines.join('\n')}\n`);
  const expected5xx = lines.filter((l) => /" 5\d\d \d+ "/.test(l)).length;
  // Offsets of each line's first byte: one document per offset proves one document per line.
  const offsets: number[] = [];
  let at = 0;
  for (const line of lines) {
    offsets.push(at);
    at += Buffer.byteLength(line) + 1;
  }

  const stream = uniqueName(`e2e-${kind}`);
  const index = uniqueName(`e2e-${kind}`);
  createdIndices.push(index);
  const url = `${brokerUrl(kind, stream)}${query}`;

  const shipped = await sluice(['ship', '--file', file, '--to', url]);
  expect(shipped.stderr).not.toMatch(/"level":"error"|^sluice:/m);
  expect(shipped.code).toBe(0);

  const consumeArgs = [
    'consume',
    '--from',
    url,
    '--es',
    testEnv().elasticsearchUrl,
    '--index',
    index,
    '--module',
    'apache.access',
    '--group',
    stream,
    '--exit-when-idle',
    '3',
  ];
  const consumed = await sluice(consumeArgs);
  expect(consumed.code, consumed.stderr).toBe(0);

  await refresh(index);
  const all = await es<{ hits: { total: { value: number } } }>(`/${index}/_search`, {
    size: 0,
    track_total_hits: true,
  });
  expect(all.hits.total.value).toBe(lines.length);

  // Every id distinct, and the set of log.offset values is exactly the set of line starts.
  const docs = await es<{ hits: { hits: { _id: string; fields?: { 'log.offset'?: number[] } }[] } }>(
    `/${index}/_search`,
    {
      size: 10_000,
      _source: false,
      docvalue_fields: ['log.offset'],
    },
  );
  const hits = docs.hits.hits;
  expect(new Set(hits.map((h) => h._id)).size).toBe(lines.length);
  const seenOffsets = hits.map((h) => h.fields?.['log.offset']?.[0]).sort((a, b) => (a ?? -1) - (b ?? -1));
  expect(seenOffsets).toEqual(offsets);

  const fives = await es<{ count: number }>(`/${index}/_count`, {
    query: { range: { 'http.response.status_code': { gte: 500, lt: 600 } } },
  });
  expect(fives.count).toBe(expected5xx);

  // Shipping the same file again re-sends the same ids: Elasticsearch still holds one document per line.
  expect((await sluice(['ship', '--file', file, '--to', url])).code).toBe(0);
  expect((await sluice(consumeArgs)).code).toBe(0);
  await refresh(index);
  const again = await es<{ count: number }>(`/${index}/_count`, { query: { match_all: {} } });
  expect(again.count).toBe(lines.length);
}
