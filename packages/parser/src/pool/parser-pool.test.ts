import { type EncodedBatch, type InboundRecord, itemCount, itemText } from '@sluice/core';
import { afterAll, describe, expect, test } from 'vitest';
import { ParserPool } from './parser-pool.js';

// Runs real worker threads from dist/: `pnpm exec tsc -b packages/parser` first.

function record(id: string, line: string, extra: Partial<InboundRecord> = {}): InboundRecord {
  return { id, line, format: 'sluice', origin: 'test', shippedAt: Date.UTC(2024, 0, 15, 10, 0, 0), ...extra };
}

function items(batch: EncodedBatch): { action: unknown; source: Record<string, unknown> }[] {
  const out = [];
  for (let i = 0; i < itemCount(batch); i++) {
    const [action, source] = itemText(batch, i).split('\n');
    out.push({ action: JSON.parse(action as string), source: JSON.parse(source as string) });
  }
  return out;
}

const pools: ParserPool[] = [];
afterAll(async () => {
  await Promise.all(pools.map((p) => p.close()));
});

describe('ParserPool', () => {
  test('parses a batch into a bulk body with create actions, ids, index from @timestamp and failures counted', async () => {
    const pool = await ParserPool.create({
      pipeline: { module: 'nginx.access' },
      index: 'logs-%{+yyyy.MM.dd}',
      threads: 1,
    });
    pools.push(pool);
    const batch = await pool.encode([
      record(
        'r1',
        '203.0.113.7 - alice [15/Jan/2024:10:23:45 +0100] "GET /index.html HTTP/1.1" 200 612 "-" "curl/8.5.0"',
        { fields: { 'host.name': 'web-1', 'log.file.path': '/var/log/nginx/access.log' } },
      ),
      record('r2', 'not an access log line'),
    ]);
    expect(itemCount(batch)).toBe(2);
    expect(Array.from(batch.recordIndex)).toEqual([0, 1]);
    expect(batch.starts[2]).toBe(batch.body.length);
    expect(batch.failures).toEqual({ _grokparsefailure: 1 });
    const [first, second] = items(batch);
    expect(first?.action).toEqual({ create: { _index: 'logs-2024.01.15', _id: 'r1' } });
    expect(first?.source).toMatchObject({
      '@timestamp': '2024-01-15T09:23:45.000Z',
      host: { name: 'web-1' },
      log: { file: { path: '/var/log/nginx/access.log' } },
      source: { address: '203.0.113.7' },
      user: { name: 'alice' },
      http: {
        request: { method: 'GET' },
        version: '1.1',
        response: { status_code: 200, body: { bytes: 612 } },
      },
      url: { original: '/index.html' },
      user_agent: { original: 'curl/8.5.0' },
      event: { module: 'nginx', dataset: 'nginx.access', created: '2024-01-15T10:00:00.000Z' },
    });
    expect(first?.source).not.toHaveProperty('timestamp');
    expect(second?.source).toEqual({
      message: 'not an access log line',
      tags: ['_grokparsefailure'],
      '@timestamp': '2024-01-15T10:00:00.000Z',
      event: { module: 'nginx', dataset: 'nginx.access', created: '2024-01-15T10:00:00.000Z' },
    });
  });

  test('an event that overruns its time budget recycles the worker and is indexed unparsed, tagged _groktimeout', async () => {
    // (a+)+$ backtracks exponentially on a run of a's that does not end the line.
    const pool = await ParserPool.create({
      pipeline: { patterns: ['^(?<word>a+)+$', '^%{WORD:word}'] },
      index: 'logs',
      threads: 1,
      eventBudgetMs: 100,
    });
    pools.push(pool);
    const started = performance.now();
    const batch = await pool.encode([
      record('ok1', 'aaaa'),
      record('evil', `${'a'.repeat(40)}!`),
      record('ok2', 'bbb'),
    ]);
    expect(performance.now() - started).toBeLessThan(5_000);
    const [ok1, evil, ok2] = items(batch);
    expect(ok1?.source.word).toBe('aaaa');
    expect(evil?.source.tags).toEqual(['_groktimeout']);
    expect(evil?.source.message).toBe(`${'a'.repeat(40)}!`);
    expect(ok2?.source.word).toBe('bbb');
    expect(batch.failures).toEqual({ _groktimeout: 1 });
    // The recycled pool keeps working.
    const again = await pool.encode([record('ok3', 'ccc')]);
    expect(items(again)[0]?.source.word).toBe('ccc');
  });

  test('rejects a bad pipeline in the main thread before starting workers', async () => {
    await expect(ParserPool.create({ pipeline: { patterns: ['%{NOPE}'] }, index: 'logs' })).rejects.toThrow(
      /unknown grok pattern %\{NOPE\}/,
    );
    await expect(ParserPool.create({ pipeline: { module: 'nginx.nope' }, index: 'logs' })).rejects.toThrow(
      /unknown module "nginx.nope"/,
    );
    await expect(
      ParserPool.create({ pipeline: { module: 'nginx.access' }, index: 'Logs/x' }),
    ).rejects.toThrow(/character Elasticsearch refuses/);
  });
});
