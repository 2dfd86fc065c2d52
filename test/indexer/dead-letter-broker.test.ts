import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { createConsumer, decodePayload, isPoison, parseBrokerUrl } from '@sluice/brokers';
import { type DeadLetterDocument, deadLetterFromRecord } from '@sluice/indexer';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { brokerUrl, runCli } from '../support/cli.js';
import { testEnv, uniqueName } from '../support/env.js';

/**
 * `sluice consume --dead-letter URL`: documents Elasticsearch refuses for their content go
 * to a broker topic or list instead of the `sluice-dlq-*` index, with the original line,
 * the reason, the status, the index and the record id; everything else is indexed; and
 * `sluice dlq replay --from URL` reads them back through a fixed pipeline.
 *
 * The clash: the index maps `code` as a long, and every 10th line's code is a word.
 */
const LINES = 200;
const BAD = LINES / 10;
const es = testEnv().elasticsearchUrl;
const cleanup: { indices: string[]; keys: string[] } = { indices: [], keys: [] };
const redis = new Redis(testEnv().redisUrl, { lazyConnect: true, maxRetriesPerRequest: 2 });

afterAll(async () => {
  for (const index of cleanup.indices) await fetch(`${es}/${index}`, { method: 'DELETE' });
  if (cleanup.keys.length > 0) {
    await redis.connect().catch(() => {});
    for (const prefix of cleanup.keys) {
      const keys = await redis.keys(`${prefix}*`);
      if (keys.length > 0) await redis.del(...keys);
    }
  }
  redis.disconnect();
});

const line = (i: number) => `${i % 10 === 3 ? `oops${i}` : String(1000 + i)} request ${i} done`;

async function esJson<T>(path: string, body?: unknown): Promise<T> {
  const response = await fetch(`${es}${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: { 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return (await response.json()) as T;
}

async function count(index: string, query?: unknown): Promise<number> {
  await fetch(`${es}/${index}/_refresh`, { method: 'POST' });
  const answer = await esJson<{ count?: number }>(
    `/${index}/_count?ignore_unavailable=true&allow_no_indices=true`,
    query === undefined ? { query: { match_all: {} } } : { query },
  );
  return answer.count ?? 0;
}

/** The dead letters on the destination, read without consuming them where the broker allows. */
async function readLetters(kind: string, url: string): Promise<DeadLetterDocument[]> {
  if (kind === 'redis') {
    const stream = parseBrokerUrl(url).stream;
    await redis.connect().catch(() => {});
    const raw = await redis.lrange(stream, 0, -1);
    // The wire form: a Sluice envelope whose fields nest the reason beside the line.
    const first = JSON.parse(raw[0] as string) as { error?: { reason?: string }; dead_letter?: unknown };
    expect(first.error?.reason).toBeTypeOf('string');
    expect(first.dead_letter).toBeTypeOf('object');
    return raw.map((payload) => {
      const decoded = decodePayload(payload, { origin: stream, stream });
      if (isPoison(decoded)) throw new Error(`dead letter does not decode: ${decoded.reason}`);
      return deadLetterFromRecord(decoded);
    });
  }
  // Kafka: a group of its own, so the replay's group still finds every letter.
  const consumer = await createConsumer(parseBrokerUrl(url), { group: uniqueName('inspect') });
  const letters: DeadLetterDocument[] = [];
  const running = consumer.run(async (batch) => {
    for (const record of batch.records) letters.push(deadLetterFromRecord(record));
    await batch.ack();
  });
  for (let t = Date.now(); letters.length < BAD && Date.now() - t < 30_000; ) await sleep(100);
  await consumer.close();
  await running;
  return letters;
}

describe.each(['redis', 'redis-stream', 'kafka'])('dead letters to a %s destination', (kind) => {
  it(`the ${BAD} lines that clash with the mapping arrive there with the reason; the rest are indexed; replay after a fix indexes them`, async () => {
    const source = uniqueName('dlq-src');
    const index = uniqueName('dlq-broker');
    const destination = kind === 'kafka' ? uniqueName('dlq-topic') : uniqueName('dlq-dest');
    const deadLetterUrl = brokerUrl(kind, destination);
    cleanup.indices.push(index);
    cleanup.keys.push(source, destination);
    const create = await fetch(`${es}/${index}`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ mappings: { properties: { code: { type: 'long' } } } }),
    });
    expect(create.status).toBe(200);

    const dir = mkdtempSync(join(tmpdir(), 'sluice-dlq-broker-'));
    const file = join(dir, 'app.log');
    writeFileSync(file, `${Array.from({ length: LINES }, (_, i) => line(i)).join('\n')}\n`);
    const from = brokerUrl('redis', source);
    const shipped = await runCli(['ship', '--file', file, '--to', from]);
    expect(shipped.code, shipped.stderr).toBe(0);

    const pattern = '%{NOTSPACE:code} %{GREEDYDATA:rest}';
    const consumed = await runCli([
      'consume',
      '--from',
      from,
      '--es',
      es,
      '--index',
      index,
      '--pattern',
      pattern,
      '--group',
      source,
      '--threads',
      '1',
      '--dead-letter',
      deadLetterUrl,
      '--exit-when-idle',
      '2',
    ]);
    expect(consumed.code, consumed.stderr).toBe(0);
    expect(await count(index)).toBe(LINES - BAD);
    // Not in the default dead-letter index: the broker destination replaced it.
    expect(await count('sluice-dlq-*', { term: { 'sluice.index': index } })).toBe(0);

    const letters = await readLetters(kind, deadLetterUrl);
    expect(letters).toHaveLength(BAD);
    const expected = Array.from({ length: LINES }, (_, i) => i).filter((i) => i % 10 === 3);
    expect(letters.map((l) => l.message).sort()).toEqual(expected.map(line).sort());
    for (const letter of letters) {
      expect(letter.error.type).toMatch(/^(document_parsing_exception|mapper_parsing_exception)$/);
      expect(letter.error.reason).toContain('[code]');
      expect(letter.sluice).toMatchObject({ index, status: 400, pipeline: `patterns:${pattern}` });
      expect(letter.sluice.record_id).toMatch(/^[\w-]{27}$/);
      expect(letter.sluice.origin).toContain(source);
    }
    // The record id is the one the line had: the indexed neighbours carry ids of the same form.
    expect(new Set(letters.map((l) => l.sluice.record_id)).size).toBe(BAD);

    // The fix: the code goes into a text field; the letters land in the index they were meant for.
    const replayed = await runCli([
      'dlq',
      'replay',
      '--es',
      es,
      '--from',
      deadLetterUrl,
      '--pattern',
      '%{NOTSPACE:code_text} %{GREEDYDATA:rest}',
      '--group',
      uniqueName('replay'),
      '--exit-when-idle',
      '2',
    ]);
    expect(replayed.code, replayed.stderr).toBe(0);
    expect(replayed.stdout).toContain(`read ${BAD} dead letters`);
    expect(replayed.stdout).toContain(`${BAD} indexed, 0 already indexed, 0 refused again`);
    expect(await count(index)).toBe(LINES);
    expect(await count(index, { exists: { field: 'code_text' } })).toBe(BAD);
    if (kind === 'redis') expect(await redis.llen(destination)).toBe(0);
    rmSync(dir, { recursive: true, force: true });
  }, 120_000);
});

describe('dlq replay --from', () => {
  it('refuses to dead-letter again onto the stream it reads', async () => {
    const url = brokerUrl('redis', uniqueName('dlq-loop'));
    const result = await runCli(['dlq', 'replay', '--es', es, '--from', url, '--dead-letter', url]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--dead-letter must not be the --from stream');
  });
});
