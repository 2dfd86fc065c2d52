import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { brokerUrl, runCli } from '../support/cli.js';
import { testEnv, uniqueName } from '../support/env.js';

/**
 * Issue 16, "What to build" 7: a hostile corpus through the built CLI, ship -> broker ->
 * consume -> Elasticsearch, on each backend, with every record accounted for exactly:
 * documents in the index + dead letters = lines shipped, and the lines the pipeline
 * cannot parse are there, tagged. The 50,000-level JSON line alone used to stall the
 * consumer forever ("Why" 1).
 */

/** A tiny deterministic generator, so a failure reproduces. */
function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1_664_525 + 1_013_904_223) >>> 0;
    return s / 2 ** 32;
  };
}

interface Corpus {
  readonly bytes: Buffer;
  readonly lines: number;
  /** Lines the json step must tag `_jsonparsefailure` (not JSON objects, or nested too deep). */
  readonly tagged: number;
  /** Lines Elasticsearch must refuse (a mapping conflict): dead letters. */
  readonly refused: number;
}

function corpus(): Corpus {
  const next = random(16);
  const parts: Buffer[] = [];
  let lines = 0;
  let tagged = 0;
  const add = (line: Buffer | string, taggedLine: boolean) => {
    parts.push(typeof line === 'string' ? Buffer.from(line) : line, Buffer.from('\n'));
    lines++;
    if (taggedLine) tagged++;
  };
  for (let i = 0; i < 40; i++) add(`plain text line ${i}`, true);
  for (let i = 0; i < 40; i++) add(JSON.stringify({ n: i, msg: 'a healthy JSON event' }), false);
  // Binary noise: any byte but the newline, behind a prefix no JSON starts with.
  for (let i = 0; i < 20; i++) {
    const noise = Buffer.alloc(200, 0);
    for (let b = 0; b < noise.length; b++) noise[b] = Math.floor(next() * 256);
    add(
      Buffer.concat([Buffer.from('\x01bin '), Buffer.from(noise.map((b) => (b === 0x0a ? 0x20 : b)))]),
      true,
    );
  }
  add(Buffer.from([0x69, 0x6e, 0x76, 0xff, 0xfe, 0xc3, 0x28, 0x61]), true); // invalid UTF-8
  add('nul\u0000in the middle', true);
  add('{"nul":"escaped \\u0000 inside JSON"}', false);
  add('carriage\rreturns\ronly\r', true);
  add('x'.repeat(5 * 1024 * 1024), true); // cut to maxLineBytes by the shipper, still one record
  const deep = 50_000;
  add(`${'{"a":'.repeat(deep)}1${'}'.repeat(deep)}`, true);
  add('{"shallow_but_fine":{"a":{"b":{"c":[1,[2,[3]]]}}}}', false);
  add('1.'.repeat(50_000), true); // ReDoS-shaped for grok's number patterns
  add(`${'a'.repeat(40)}!`, true); // ReDoS-shaped for ^(a+)+$
  add('{"__proto__":{"polluted":true},"proto_line":1}', false);
  add('{"constructor":{"prototype":{"polluted":true}},"constructor_line":1}', false);
  add('{"index":{"_index":"hijacked","_id":"x"}}', false); // bulk action look-alikes
  add('{"delete":{"_index":"hijacked","_id":"x"}}', false);
  add('{"tags":"kept as given"}', false);
  // The same field as a number and as an object: Elasticsearch refuses one of them.
  add('{"hostile_conflict":1}', false);
  add('{"hostile_conflict":{"nested":true}}', false);
  return { bytes: Buffer.concat(parts), lines, tagged, refused: 1 };
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

async function count(index: string, query: unknown = { match_all: {} }): Promise<number> {
  await fetch(`${testEnv().elasticsearchUrl}/${index}/_refresh`, { method: 'POST' });
  return (await es<{ count: number }>(`/${index}/_count`, { query })).count;
}

const dir = mkdtempSync(join(tmpdir(), 'sluice-hostile-'));
const created: string[] = [];
afterAll(async () => {
  if (!process.env.KEEP)
    for (const index of created) await fetch(`${testEnv().elasticsearchUrl}/${index}`, { method: 'DELETE' });
});

describe.each(['kafka', 'redis', 'rabbitmq'])(
  'hostile corpus: ship -> %s -> consume -> Elasticsearch',
  (kind) => {
    it('every line is indexed, tagged or dead-lettered, and the count is exact', {
      timeout: 120_000,
    }, async () => {
      const { bytes, lines, tagged, refused } = corpus();
      const file = join(dir, `${kind}.log`);
      writeFileSync(file, bytes);
      const pipeline = join(dir, 'json.yaml');
      writeFileSync(pipeline, 'processors:\n  - json: {field: message}\n');
      const stream = uniqueName(`hostile-${kind}`);
      const index = uniqueName(`hostile-${kind}`);
      const dlq = uniqueName(`hostile-dlq-${kind}`);
      created.push(index, dlq);
      const url = brokerUrl(kind, stream);

      // The 5 MiB line is cut to the shipper's 1 MiB line cap everywhere, and on Kafka further,
      // so its message fits the broker's default message.max.bytes: one record all the same.
      const shipped = await runCli(['ship', '--file', file, '--to', url]);
      expect(shipped.code, shipped.stderr).toBe(0);
      expect(shipped.stderr).toContain(`"lines":${lines}`);

      const consumed = await runCli([
        'consume',
        '--from',
        url,
        '--es',
        testEnv().elasticsearchUrl,
        '--index',
        index,
        '--config',
        pipeline,
        '--group',
        stream,
        '--dead-letter',
        dlq,
        '--exit-when-idle',
        '3',
      ]);
      expect(consumed.code, consumed.stderr).toBe(0);
      // Nothing was handed back to the broker: no batch was retried as a whole.
      expect(consumed.stderr).not.toContain('handed back');

      const indexed = await count(index);
      const deadLettered = await count(dlq);
      expect({ indexed, deadLettered }).toEqual({ indexed: lines - refused, deadLettered: refused });
      expect(await count(index, { term: { tags: '_jsonparsefailure' } })).toBe(tagged);
      expect(await count(index, { term: { tags: '_processorfailure' } })).toBe(0);
      // Bulk look-alikes stayed documents: nothing was written anywhere else.
      expect((await fetch(`${testEnv().elasticsearchUrl}/hijacked`)).status).toBe(404);
      expect(await count(index, { exists: { field: 'polluted' } })).toBe(0);
      // A non-list tags value from a document is kept.
      // match_phrase: `tags` is keyword under Sluice's template, text under dynamic mapping.
      expect(await count(index, { match_phrase: { tags: 'kept as given' } })).toBe(1);
    });
  },
);
