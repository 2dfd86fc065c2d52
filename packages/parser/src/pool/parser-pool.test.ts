import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  type EncodedBatch,
  type InboundRecord,
  itemCount,
  itemText,
  metricsRegistry,
  ParseError,
} from '@sluice/core';
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
  test('a JSON line nested 50,000 levels is tagged in its worker; the batch and the line beside it go on', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sluice-deep-'));
    const config = join(dir, 'json.yaml');
    writeFileSync(config, 'processors:\n  - json: {field: message}\n');
    const pool = await ParserPool.create({ pipeline: { configFile: config }, index: 'logs', threads: 1 });
    pools.push(pool);
    const n = 50_000;
    const batch = await pool.encode([
      record('deep', `${'{"a":'.repeat(n)}1${'}'.repeat(n)}`),
      record('ok', '{"status":"fine"}'),
    ]);
    const out = items(batch);
    expect(out.map((item) => item.source.tags)).toEqual([['_jsonparsefailure'], undefined]);
    expect(out[1]?.source.status).toBe('fine');
  });

  test('hands back the body as UTF-8 bytes with byte offsets, non-ASCII lines included', async () => {
    const pool = await ParserPool.create({
      pipeline: { patterns: ['%{GREEDYDATA:text}'] },
      index: 'logs',
      threads: 1,
    });
    pools.push(pool);
    const lines = ['grüße aus köln', 'plain ascii', '日本語のログ 🚀', 'end'];
    const batch = await pool.encode(lines.map((line, i) => record(`r${i}`, line)));
    expect(batch.body).toBeInstanceOf(Uint8Array);
    // Transferred from the worker, at the start of a buffer of its own (with room to spare, for reuse).
    expect(batch.body.byteOffset).toBe(0);
    expect(batch.body.buffer.byteLength).toBeGreaterThanOrEqual(batch.body.byteLength);
    expect(batch.starts[lines.length]).toBe(batch.body.length);
    expect(items(batch).map((item) => item.source.text)).toEqual(lines);
    expect(items(batch).map((item) => item.action)).toEqual(
      lines.map((_, i) => ({ create: { _index: 'logs', _id: `r${i}` } })),
    );
  });

  test('accepted bodies go back to the workers once, and the bodies written into them are right', async () => {
    const pool = await ParserPool.create({
      pipeline: { patterns: ['%{WORD:word} %{INT:n:int}'] },
      index: 'logs',
      threads: 1,
    });
    pools.push(pool);
    const batchOf = (tag: string) =>
      Array.from({ length: 200 }, (_, i) => record(`${tag}${i}`, `${tag}${'x'.repeat(i % 50)} ${i}`));
    const expected = async (tag: string) => items(await pool.encode(batchOf(tag)));
    const first = await pool.encode(batchOf('a'));
    const firstItems = items(first);
    pool.accepted(first);
    pool.accepted(first); // a second call returns nothing twice
    const foreign: EncodedBatch = {
      body: new Uint8Array(4096),
      starts: new Int32Array(1),
      recordIndex: new Int32Array(0),
      dropped: 0,
      failures: {},
    };
    pool.accepted(foreign); // not the pool's: kept by its owner
    const second = await pool.encode(batchOf('b'));
    // Transferred back to the worker with the task: detached here.
    expect(first.body.buffer.byteLength).toBe(0);
    expect(foreign.body.buffer.byteLength).toBe(4096);
    expect(items(second)).toEqual(await expected('b'));
    expect(firstItems).toEqual(await expected('a'));
    for (let round = 0; round < 5; round++) {
      const batch = await pool.encode(batchOf(`c${round}`));
      const got = items(batch);
      pool.accepted(batch);
      expect(got).toEqual(await expected(`c${round}`));
    }
  });

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
      // Generous for a loaded CI machine: a normal record takes microseconds, the evil one forever.
      eventBudgetMs: 500,
    });
    pools.push(pool);
    const started = performance.now();
    const batch = await pool.encode([
      record('ok1', 'aaaa'),
      record('evil', `${'a'.repeat(40)}!`),
      record('ok2', 'bbb'),
    ]);
    expect(performance.now() - started).toBeLessThan(15_000);
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
    // A module with a patterns directory is compiled here too (the directory is the user's).
    await expect(
      ParserPool.create({
        pipeline: { module: 'nginx.access', patternsDir: join(tmpdir(), 'sluice-no-such-dir') },
        index: 'logs',
      }),
    ).rejects.toThrow(/sluice-no-such-dir/);
    await expect(
      ParserPool.create({ pipeline: { module: 'nginx.access', patterns: ['%{WORD:w}'] }, index: 'logs' }),
    ).rejects.toThrow(/one of module, patterns or configFile/);
  });

  test('hostile lines (1 MiB, invalid UTF-8, lone surrogates, binary noise) become tagged items, never a stuck or dead worker', async () => {
    const pool = await ParserPool.create({
      pipeline: { module: 'apache.access' },
      index: 'logs',
      threads: 2,
      eventBudgetMs: 10_000, // these lines must fail to match, not time out, even on a loaded machine
    });
    pools.push(pool);
    const noise = Buffer.alloc(64 * 1024);
    for (let i = 0; i < noise.length; i++) noise[i] = (i * 7919 + 13) % 256;
    const lines = [
      `1.2.3.4 - - [15/Jan/2024:10:23:45 +0000] "GET /${'a'.repeat(1024 * 1024)} HTTP/1.1" 200 1`,
      '1.2.3.4 '.repeat(150_000),
      Buffer.from([0x31, 0x2e, 0xff, 0xfe, 0xc3, 0x28, 0x20, 0xe2, 0x82]).toString('utf8'),
      'lone \ud800 surrogate \udfff',
      noise.toString('latin1'),
      noise.toString('utf8'),
    ];
    const started = performance.now();
    const batch = await pool.encode(lines.map((line, i) => record(`h${i}`, line)));
    expect(performance.now() - started).toBeLessThan(10_000);
    expect(itemCount(batch)).toBe(lines.length);
    const parsed = items(batch);
    expect((parsed[0]?.source.url as { original?: string } | undefined)?.original).toHaveLength(
      1024 * 1024 + 1,
    );
    for (const item of parsed.slice(1)) expect(item.source.tags).toEqual(['_grokparsefailure']);
    expect(parsed[3]?.source.message).toBe('lone \ud800 surrogate \udfff');
    expect(batch.failures).toEqual({ _grokparsefailure: lines.length - 1 });
  });

  test('per-pattern match counts and time reach the main-thread metrics registry', async () => {
    const pool = await ParserPool.create({
      pipeline: { patterns: ['^%{INT:n:int}$', '^%{WORD:w}$'] },
      index: 'logs',
      threads: 1,
    });
    pools.push(pool);
    await pool.encode([record('m1', '12'), record('m2', 'abc'), record('m3', 'abc')]);
    const text = await metricsRegistry.metrics();
    expect(text).toContain('sluice_parser_pattern_matches_total{pattern="^%{INT:n:int}$"} 1');
    expect(text).toContain('sluice_parser_pattern_matches_total{pattern="^%{WORD:w}$"} 2');
    expect(text).toContain('sluice_parser_pattern_misses_total{pattern="^%{INT:n:int}$"} 2');
    expect(text).toMatch(/sluice_parser_pattern_seconds_total\{pattern="\^%\{WORD:w\}\$"\} [0-9.e-]+/);
  });

  test('logs-to-metrics rows come back from the workers and count once the batch is accepted; drops and retried attempts do not count', async () => {
    const config = join(mkdtempSync(join(tmpdir(), 'sluice-pool-metrics-')), 'pipeline.yaml');
    writeFileSync(
      config,
      `processors:
  - grok: { patterns: ["^(?<slow>a+)+$", "^%{WORD:method} %{INT:status:int} %{NUMBER:ms}$"] }
  - drop: {}
    if: { field: method, equals: DROP }
metrics:
  - name: pool_test_responses_total
    type: counter
    labels: { status_class: { field: status, transform: status_class }, method: method }
  - name: pool_test_duration_seconds
    type: histogram
    field: ms
    scale: 0.001
    buckets: [0.1, 1]
`,
    );
    const pool = await ParserPool.create({
      pipeline: { configFile: config },
      index: 'logs',
      threads: 2,
      eventBudgetMs: 500,
    });
    pools.push(pool);
    const lines = ['GET 200 50', 'GET 503 2000', 'POST 500 300', 'DROP 500 1', 'GET 404 20', 'junk'];
    const batches = await Promise.all(
      [0, 1, 2].map((b) => pool.encode(lines.map((line, i) => record(`p${b}-${i}`, line)))),
    );
    for (const batch of batches) expect(batch.queueWaitSeconds).toBeGreaterThanOrEqual(0);
    const lineOf = (text: string, name: string) => text.split('\n').filter((l) => l.startsWith(name));
    // Parsed in the workers, but not counted until the sink accepted the batch.
    expect(lineOf(await metricsRegistry.metrics(), 'pool_test_')).toEqual([]);
    pool.accepted(batches[0] as EncodedBatch);
    pool.accepted(batches[1] as EncodedBatch);
    pool.accepted(batches[1] as EncodedBatch); // a second call counts nothing
    // A batch whose worker was recycled (time budget) is run again: its rows are the last attempt's only.
    const retried = await pool.encode([
      record('r0', 'GET 500 5'),
      record('r1', `${'a'.repeat(40)}!`),
      record('r2', 'GET 500 5'),
    ]);
    pool.accepted(retried);
    // Items the sink dead-lettered were never written: they are not counted.
    const dead = await pool.encode([
      record('d0', 'GET 500 5'),
      record('d1', 'PUT 200 2000'),
      record('d2', 'GET 500 5'),
    ]);
    pool.accepted(dead, { deadLetteredItems: [1, 2] });
    const text = await metricsRegistry.metrics();
    expect(lineOf(text, 'pool_test_responses_total')).toEqual([
      'pool_test_responses_total{status_class="2xx",method="GET"} 2',
      'pool_test_responses_total{status_class="5xx",method="GET"} 5',
      'pool_test_responses_total{status_class="5xx",method="POST"} 2',
      'pool_test_responses_total{status_class="4xx",method="GET"} 2',
    ]);
    expect(lineOf(text, 'pool_test_duration_seconds_count')).toEqual(['pool_test_duration_seconds_count 11']);
    expect(lineOf(text, 'pool_test_duration_seconds_bucket')).toEqual([
      'pool_test_duration_seconds_bucket{le="0.1"} 7',
      'pool_test_duration_seconds_bucket{le="1"} 9',
      'pool_test_duration_seconds_bucket{le="+Inf"} 11',
    ]);
  });

  test('queueWaitSeconds: how long each batch waited for the one worker while the others ran', async () => {
    const pool = await ParserPool.create({ pipeline: { module: 'nginx.access' }, index: 'logs', threads: 1 });
    pools.push(pool);
    const line =
      '203.0.113.7 - alice [15/Jan/2024:10:23:45 +0100] "GET /index.html HTTP/1.1" 200 612 "-" "curl/8.5.0"';
    const batches = await Promise.all(
      [0, 1, 2].map((b) => pool.encode(Array.from({ length: 300 }, (_, i) => record(`w${b}-${i}`, line)))),
    );
    const waits = batches.map((b) => b.queueWaitSeconds).sort((a, b) => a - b);
    // The third batch waited for the two before it to be parsed (milliseconds each, at least).
    expect(waits[0]).toBeGreaterThanOrEqual(0);
    expect(waits[2]).toBeGreaterThan((waits[0] as number) + 0.001);
    expect(waits[2]).toBeLessThan(30);
  });

  test('batches run in parallel on all threads, index names come from event fields, and a closed pool refuses work', async () => {
    const pool = await ParserPool.create({
      pipeline: { patterns: ['^%{WORD:w}$'] },
      index: '%{[w]}-%{+yyyy.MM}',
      threads: 2,
      minThreads: 2,
    });
    expect(pool.threads).toBe(2);
    expect(pool.startedThreads).toBe(2);
    const batches = await Promise.all(
      [0, 1, 2, 3].map((b) =>
        pool.encode(Array.from({ length: 50 }, (_, i) => record(`b${b}-${i}`, `Word${b}`))),
      ),
    );
    for (const [b, batch] of batches.entries()) {
      expect(itemCount(batch)).toBe(50);
      expect(items(batch)[0]?.action).toEqual({ create: { _index: `word${b}-2024.01`, _id: `b${b}-0` } });
    }
    const utilization = pool.utilization();
    expect(utilization).toBeGreaterThan(0);
    expect(utilization).toBeLessThanOrEqual(1);
    expect(pool.utilization()).toBe(0); // nothing ran since the previous sample
    await pool.close();
    await expect(pool.encode([record('late', 'x')])).rejects.toThrow(/closed/);
  });

  describe('size', () => {
    // (a+)+$ on a run of a's that does not end the line backtracks 2^n steps: a few
    // milliseconds per line here, so a batch keeps a worker busy without overrunning.
    const busyLine = `${'a'.repeat(17)}!`;
    const busyBatch = (tag: string) => Array.from({ length: 12 }, (_, i) => record(`${tag}-${i}`, busyLine));

    test('starts one worker and adds one once batches have waited for a busy worker for a second', async () => {
      const pool = await ParserPool.create({
        pipeline: { patterns: ['^(?<word>a+)+$', '^%{WORD:word}'] },
        index: 'logs',
        threads: 2,
      });
      pools.push(pool);
      expect(pool.startedThreads).toBe(1);
      // Four batches in flight, as a consumer keeps them, over several growth windows (a
      // loaded machine may slow the main thread's turnaround enough to spoil one).
      let next = 0;
      const until = performance.now() + 10_000;
      const feed = async () => {
        while (performance.now() < until && pool.startedThreads < 2)
          expect(itemCount(await pool.encode(busyBatch(`b${next++}`)))).toBe(12);
      };
      await Promise.all([feed(), feed(), feed(), feed()]);
      expect(pool.startedThreads).toBe(2);
    });

    test('lines that overrun their budget count as busy time: batches behind them get a second worker', async () => {
      const pool = await ParserPool.create({
        pipeline: { patterns: ['^(?<word>a+)+$', '^%{WORD:word}'] },
        index: 'logs',
        threads: 2,
        eventBudgetMs: 200,
      });
      pools.push(pool);
      // Each batch holds a line that backtracks for ever: its worker is recycled, never reporting busy time.
      const evil = (tag: string) => [record(`${tag}-ok`, 'abc'), record(`${tag}-evil`, `${'a'.repeat(40)}!`)];
      let next = 0;
      const until = performance.now() + 15_000;
      const feed = async () => {
        while (performance.now() < until && pool.startedThreads < 2)
          // At least the evil line (a machine loaded enough can stall the other one past 200 ms too).
          expect((await pool.encode(evil(`e${next++}`))).failures._groktimeout).toBeGreaterThanOrEqual(1);
      };
      await Promise.all([feed(), feed(), feed()]);
      expect(pool.startedThreads).toBe(2);
    });

    test('stays at one worker while batches never wait for it, and drains waiting batches on close', async () => {
      const pool = await ParserPool.create({
        pipeline: { patterns: ['^(?<word>a+)+$', '^%{WORD:word}'] },
        index: 'logs',
        threads: 2,
      });
      const until = performance.now() + 1_500;
      for (let b = 0; performance.now() < until; b++) {
        expect(itemCount(await pool.encode(busyBatch(`s${b}`)))).toBe(12);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      expect(pool.startedThreads).toBe(1);
      // Three of these wait for the one worker when close() is called: all are parsed.
      const pending = [0, 1, 2, 3].map((b) => pool.encode(busyBatch(`c${b}`)));
      await pool.close();
      for (const batch of await Promise.all(pending)) expect(itemCount(batch)).toBe(12);
    });

    test('minThreads is checked against threads', async () => {
      await expect(
        ParserPool.create({
          pipeline: { patterns: ['%{WORD:w}'] },
          index: 'logs',
          threads: 2,
          minThreads: 3,
        }),
      ).rejects.toThrow(/minThreads.*between 1 and threads \(2\)/);
    });
  });
});

describe('a parser worker that cannot start', () => {
  // The payload decoder is the one module a worker imports by URL, so a broken one stands
  // for anything that fails in a worker while it starts (a file the pipeline reads, memory).
  function decoderModule(source: string): string {
    const file = join(mkdtempSync(join(tmpdir(), 'sluice-decoder-')), 'decoder.mjs');
    writeFileSync(file, source);
    return pathToFileURL(file).href;
  }

  async function brokenPool(decoderSource: string): Promise<ParserPool> {
    const pool = await ParserPool.create({
      pipeline: { patterns: ['%{GREEDYDATA:text}'] },
      index: 'logs',
      threads: 1,
      payloadDecoder: decoderModule(decoderSource),
    });
    pools.push(pool);
    return pool;
  }

  test('a start that throws fails every batch, running, waiting or later, with one non-retriable error', async () => {
    const pool = await brokenPool("throw new Error('decoder is broken');\n");
    const outcomes = await Promise.allSettled([1, 2, 3].map((i) => pool.encode([record(`r${i}`, 'a line')])));
    for (const outcome of outcomes) {
      expect(outcome.status).toBe('rejected');
      const error = (outcome as PromiseRejectedResult).reason as ParseError;
      expect(error).toBeInstanceOf(ParseError);
      expect(error.message).toMatch(/^a parser worker could not start: Error: decoder is broken/);
      expect(error.retriable).toBe(false);
    }
    await expect(pool.encode([record('later', 'a line')])).rejects.toThrow(/could not start/);
    await pool.close();
  });

  test('a worker thread that exits while starting fails the batches instead of leaving them queued', async () => {
    const pool = await brokenPool('process.exit(3);\n');
    // Without the pool's check, Piscina stops starting workers and these never settle.
    const outcomes = await Promise.allSettled([1, 2, 3].map((i) => pool.encode([record(`r${i}`, 'a line')])));
    expect(outcomes.map((o) => o.status)).toEqual(['rejected', 'rejected', 'rejected']);
    await expect(pool.encode([record('later', 'a line')])).rejects.toThrow(
      /^a parser worker could not start/,
    );
    await pool.close();
  });
});
