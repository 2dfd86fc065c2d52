import type { Client } from '@elastic/elasticsearch';
import { createLogger, IndexError, metricsRegistry } from '@sluice/core';
import {
  BULK_FILTER,
  type BulkDocument,
  createClient,
  ElasticsearchSink,
  encodeBatch,
  type RecordRef,
  replayDeadLetters,
} from '@sluice/indexer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminClient, countDocs, elasticsearchUrl, uniqueIndexName } from './support/env.js';
import { type EsProxy, startEsProxy } from './support/es-proxy.js';

const quiet = createLogger({ level: 'silent' });
let url: string;
let admin: Client;
const cleanup: string[] = [];

beforeAll(async () => {
  url = await elasticsearchUrl();
  admin = adminClient(url);
  await admin.cluster.health();
});

afterAll(async () => {
  if (cleanup.length > 0)
    await admin.indices.delete({ index: cleanup.join(','), ignore_unavailable: true }).catch(() => {});
  await admin?.close();
});

/** n documents as the parser would emit them, with their records. */
function makeBatch(
  index: string,
  n: number,
  from = 0,
  status = (i: number): number | string => 200 + (i % 5),
) {
  const docs: BulkDocument[] = [];
  const records: RecordRef[] = [];
  for (let i = from; i < from + n; i++) {
    const line = `127.0.0.1 - - "GET /item/${i} HTTP/1.1" ${status(i)} 512`;
    records.push({ id: `doc-${i}`, line, origin: `test/0@${i}` });
    docs.push({
      index,
      id: `doc-${i}`,
      record: i - from,
      source: {
        '@timestamp': '2024-05-01T12:00:00.000Z',
        message: line,
        http: { response: { status_code: status(i) } },
      },
    });
  }
  return { batch: encodeBatch(docs), records };
}

async function documentsMetric(outcome: string): Promise<number> {
  const metric = await metricsRegistry.getSingleMetric('sluice_indexer_documents_total')?.get();
  return metric?.values.find((v) => v.labels.outcome === outcome)?.value ?? 0;
}

describe('ElasticsearchSink against a real Elasticsearch', () => {
  it('indexes exact counts across many small bulk requests, and a redelivery is all duplicates', async () => {
    const index = uniqueIndexName('logs-sinktest');
    cleanup.push(index);
    const sink = await ElasticsearchSink.create({
      node: url,
      flushCount: 300,
      concurrency: 3,
      logger: quiet,
      indexTemplate: false,
    });
    try {
      const batches = [makeBatch(index, 1000, 0), makeBatch(index, 700, 1000), makeBatch(index, 1, 1700)];
      const outcomes = await Promise.all(batches.map((b) => sink.write(b.batch, b.records)));
      expect(outcomes).toEqual([
        { indexed: 1000, duplicates: 0, deadLettered: 0, deadLetteredItems: [] },
        { indexed: 700, duplicates: 0, deadLettered: 0, deadLetteredItems: [] },
        { indexed: 1, duplicates: 0, deadLettered: 0, deadLetteredItems: [] },
      ]);
      expect(await countDocs(admin, index)).toBe(1701);
      const again = makeBatch(index, 1000, 1201);
      expect(await sink.write(again.batch, again.records)).toEqual({
        indexed: 500,
        duplicates: 500,
        deadLettered: 0,
        deadLetteredItems: [],
      });
      expect(await countDocs(admin, index)).toBe(2201);
    } finally {
      await sink.close();
    }
  });

  it('dead-letters exactly the documents whose field clashes with the mapping, with the reason and the original line; replay after a fix indexes them', async () => {
    const prefix = uniqueIndexName('logs-clash');
    const index = `${prefix}-2024.05.01`;
    const dlq = `${prefix}-dlq`;
    const templateName = `${prefix}-template`;
    cleanup.push(index, dlq);
    const sink = await ElasticsearchSink.create({
      node: url,
      logger: quiet,
      // Above the default sluice-logs template (150) that other tests may have installed for logs-*.
      indexTemplate: { name: templateName, patterns: [`${prefix}-2*`], priority: 300 },
      deadLetter: { kind: 'index', index: dlq },
    });
    try {
      // Every 10th line carries a status code that is not a number: the template maps it as long.
      const { batch, records } = makeBatch(index, 200, 0, (i) => (i % 10 === 3 ? `err-${i}` : 200));
      // Which items: the consumer leaves them out of logs-to-metrics counts.
      const refused = Array.from({ length: 20 }, (_, k) => k * 10 + 3);
      expect(await sink.write(batch, records)).toEqual({
        indexed: 180,
        duplicates: 0,
        deadLettered: 20,
        deadLetteredItems: refused,
      });
      expect(await countDocs(admin, index)).toBe(180);
      expect(await countDocs(admin, dlq)).toBe(20);
      const letter = await admin.get<{
        message: string;
        error: { type: string; reason: string };
        sluice: Record<string, unknown>;
      }>({
        index: dlq,
        id: 'doc-13',
      });
      expect(letter._source?.message).toBe('127.0.0.1 - - "GET /item/13 HTTP/1.1" err-13 512');
      expect(letter._source?.error.type).toMatch(/^(document_parsing_exception|mapper_parsing_exception)$/);
      expect(letter._source?.error.reason).toContain('http.response.status_code');
      expect(letter._source?.sluice).toMatchObject({
        record_id: 'doc-13',
        origin: 'test/0@13',
        index,
        status: 400,
      });

      // Redelivery of the same batch: indexed ones are duplicates, dead letters stay one each.
      expect(await sink.write(batch, records)).toEqual({
        indexed: 0,
        duplicates: 180,
        deadLettered: 20,
        deadLetteredItems: refused,
      });
      expect(await countDocs(admin, dlq)).toBe(20);
    } finally {
      await sink.close();
    }
    await admin.indices.deleteIndexTemplate({ name: templateName }).catch(() => {});

    // The fix: a pipeline that moves the unparsable status into a keyword field.
    const summary = await replayDeadLetters(admin, {
      sink: { node: url, logger: quiet, indexTemplate: false },
      fromIndex: dlq,
      transform: (l) => [
        {
          '@timestamp': l['@timestamp'],
          message: l.message,
          http: { response: { status_text: l.message.split(' ')[6] as string } },
        },
      ],
      deleteAfter: true,
    });
    expect(summary).toEqual({
      read: 20,
      indexed: 20,
      duplicates: 0,
      failedAgain: 0,
      dropped: 0,
      deleted: 20,
    });
    expect(await countDocs(admin, index)).toBe(200);
    expect(await countDocs(admin, dlq)).toBe(0);
  });

  it('reads a clean bulk answer from Elasticsearch without its items, and a failed one in full', async () => {
    const index = uniqueIndexName('bulk-answer');
    cleanup.push(index);
    await admin.indices.create({ index, mappings: { properties: { n: { type: 'integer' } } } });
    const client = createClient({ node: url });
    const bulk = async (docs: object[]) =>
      client.transport.request({
        method: 'POST',
        path: '/_bulk',
        bulkBody: docs.flatMap((doc, i) => [
          { create: { _index: index, _id: `${JSON.stringify(doc)}-${i}` } },
          doc,
        ]),
        querystring: { filter_path: BULK_FILTER },
      });
    try {
      // The shortcut is taken on what this Elasticsearch really writes: no items at all.
      expect(await bulk([{ n: 1 }, { n: 2 }, { n: 3 }])).toEqual({ errors: false });
      // One duplicate (the first document again) and one refused item: every item, parsed as before.
      expect(await bulk([{ n: 1 }, { n: 'not a number' }, { n: 4 }])).toMatchObject({
        errors: true,
        items: [
          { create: { status: 409, error: { type: 'version_conflict_engine_exception' } } },
          { create: { status: 400, error: { type: 'document_parsing_exception' } } },
          { create: { status: 201 } },
        ],
      });
    } finally {
      await client.close();
    }
  });

  it('loses nothing when a proxy answers 429 to most bulk requests and to single items, and counts the retries', async () => {
    const index = uniqueIndexName('logs-throttled');
    cleanup.push(index);
    const proxy: EsProxy = await startEsProxy(url, {
      // 3 of every 4 bulk requests refused whole, as an overloaded coordinating node does.
      rejectRequest: (n) =>
        n % 4 !== 3
          ? {
              status: 429,
              body: {
                error: {
                  type: 'es_rejected_execution_exception',
                  reason: 'rejected execution of coordinating operation',
                },
                status: 429,
              },
            }
          : undefined,
      // And the first attempt of every 7th document refused alone.
      rejectItem: (id, seen) =>
        Number(id.split('-')[1]) % 7 === 0 && seen === 1
          ? {
              status: 429,
              error: {
                type: 'es_rejected_execution_exception',
                reason: 'rejected execution of primary operation',
              },
            }
          : undefined,
    });
    const retriedBefore = await documentsMetric('retried');
    const sink = await ElasticsearchSink.create({
      node: proxy.url,
      flushCount: 250,
      concurrency: 2,
      logger: quiet,
      indexTemplate: false,
      policy: { backoff: { initialMs: 5, maxMs: 40, factor: 2 } },
    });
    try {
      const batches = [makeBatch(index, 1000, 0), makeBatch(index, 1000, 1000)];
      const outcomes = await Promise.all(batches.map((b) => sink.write(b.batch, b.records)));
      expect(outcomes.reduce((n, o) => n + o.indexed, 0)).toBe(2000);
      expect(outcomes.every((o) => o.deadLettered === 0 && o.duplicates === 0)).toBe(true);
    } finally {
      await sink.close();
      await proxy.close();
    }
    expect(await countDocs(admin, index)).toBe(2000);
    expect(proxy.rejectedRequests).toBeGreaterThanOrEqual(proxy.bulkRequests / 2);
    expect(proxy.rejectedItems).toBe(286); // ids 0..1999 divisible by 7
    expect((await documentsMetric('retried')) - retriedBefore).toBeGreaterThanOrEqual(286);
  });

  it('waits out an Elasticsearch that resets every connection, then indexes everything exactly once', async () => {
    const index = uniqueIndexName('logs-down');
    cleanup.push(index);
    let downUntil = 0;
    const proxy = await startEsProxy(url, {
      rejectRequest: () => (Date.now() < downUntil ? { status: 0 } : undefined),
    });
    const sink = await ElasticsearchSink.create({
      node: proxy.url,
      logger: quiet,
      indexTemplate: false,
      policy: { backoff: { initialMs: 50, maxMs: 400, factor: 2 } },
    });
    try {
      downUntil = Date.now() + 2_000;
      const { batch, records } = makeBatch(index, 3000);
      const started = Date.now();
      expect(await sink.write(batch, records)).toEqual({
        indexed: 3000,
        duplicates: 0,
        deadLettered: 0,
        deadLetteredItems: [],
      });
      expect(Date.now() - started).toBeGreaterThanOrEqual(1_900);
      expect(proxy.rejectedRequests).toBeGreaterThanOrEqual(1);
    } finally {
      await sink.close();
      await proxy.close();
    }
    expect(await countDocs(admin, index)).toBe(3000);
  });

  it('isolates a document that makes Elasticsearch refuse the whole request (400) by halving, and dead-letters only it', async () => {
    const index = uniqueIndexName('logs-poison');
    const dlq = `${index}-dlq`;
    cleanup.push(index, dlq);
    const poison = '"_id":"doc-37"';
    const proxy = await startEsProxy(url, {
      rejectRequest: (_n, body) =>
        body.includes(poison) && body.includes(`"_index":"${index}"`)
          ? {
              status: 400,
              body: {
                error: { type: 'x_content_parse_exception', reason: 'Unexpected character at line 75' },
                status: 400,
              },
            }
          : undefined,
    });
    const sink = await ElasticsearchSink.create({
      node: proxy.url,
      logger: quiet,
      indexTemplate: false,
      deadLetter: { kind: 'index', index: dlq },
    });
    try {
      const { batch, records } = makeBatch(index, 100);
      expect(await sink.write(batch, records)).toEqual({
        indexed: 99,
        duplicates: 0,
        deadLettered: 1,
        deadLetteredItems: [37],
      });
      // Item 37 of 100 is in [0,100) [0,50) [25,50) [25,38) [32,38) [35,38) [37,38): seven refusals.
      expect(proxy.rejectedRequests).toBe(7);
    } finally {
      await sink.close();
      await proxy.close();
    }
    expect(await countDocs(admin, index)).toBe(99);
    const letter = await admin.get<{ error: { type: string; reason: string } }>({ index: dlq, id: 'doc-37' });
    expect(letter._source?.error).toEqual({
      type: 'x_content_parse_exception',
      reason: 'Unexpected character at line 75',
    });
  });

  it('sends gzip bodies when asked, with the same exact counts', async () => {
    const index = uniqueIndexName('logs-gzip');
    cleanup.push(index);
    const proxy = await startEsProxy(url);
    const sink = await ElasticsearchSink.create({
      node: proxy.url,
      gzip: true,
      logger: quiet,
      indexTemplate: false,
    });
    try {
      const { batch, records } = makeBatch(index, 500);
      expect(await sink.write(batch, records)).toEqual({
        indexed: 500,
        duplicates: 0,
        deadLettered: 0,
        deadLetteredItems: [],
      });
      expect(proxy.lastBulkEncoding).toBe('gzip');
    } finally {
      await sink.close();
      await proxy.close();
    }
    expect(await countDocs(admin, index)).toBe(500);
  });

  it('hands the batch back (retriable rejection) when aborted while Elasticsearch is down', async () => {
    const index = uniqueIndexName('logs-abort');
    const proxy = await startEsProxy(url, { rejectRequest: () => ({ status: 0 }) });
    const controller = new AbortController();
    const sink = await ElasticsearchSink.create({
      node: proxy.url,
      logger: quiet,
      indexTemplate: false,
      signal: controller.signal,
    });
    try {
      const { batch, records } = makeBatch(index, 10);
      const pending = sink.write(batch, records).catch((e: unknown) => e);
      setTimeout(() => controller.abort(), 300);
      const error = (await pending) as IndexError;
      expect(error).toBeInstanceOf(IndexError);
      expect(error.retriable).toBe(true);
      expect(error.message).toBe('indexer stopped before Elasticsearch took the batch');
    } finally {
      await sink.close();
      await proxy.close();
    }
  });

  it('stops with a non-retriable error naming the privilege and the index, with what to grant, on 403', async () => {
    const index = uniqueIndexName('logs-denied');
    const reason = `action [indices:admin/auto_create] is unauthorized for user [sluice_writer] with effective roles [logs_writer] on indices [${index}], this action is granted by the index privileges [auto_configure,create_index,manage,all]`;
    const proxy = await startEsProxy(url, {
      rejectItem: () => ({ status: 403, error: { type: 'security_exception', reason } }),
    });
    const sink = await ElasticsearchSink.create({ node: proxy.url, logger: quiet, indexTemplate: false });
    try {
      const { batch, records } = makeBatch(index, 10);
      const error = await sink.write(batch, records).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(IndexError);
      const e = error as IndexError;
      expect(e.retriable).toBe(false);
      expect(e.message).toBe(
        `Elasticsearch denied the privilege for indices:admin/auto_create on index [${index}] to user [sluice_writer] (403)`,
      );
      expect(e.hint).toContain(
        `grant the role of [sluice_writer] the index privilege "auto_configure" (or "create_index")`,
      );
      expect(e.hint).toContain(`pre-create the index as an admin: PUT /${index}`);
      // Every later write fails the same way at once: the consumer must stop.
      await expect(sink.write(batch, records)).rejects.toBe(error);
    } finally {
      await sink.close();
      await proxy.close();
    }
  });

  it('says which URL does not answer, as a retriable error', async () => {
    const error = await ElasticsearchSink.create({ node: 'http://127.0.0.1:1', logger: quiet }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(IndexError);
    expect((error as IndexError).retriable).toBe(true);
    expect((error as IndexError).message).toMatch(
      /^Elasticsearch at http:\/\/127\.0\.0\.1:1 does not answer/,
    );
  });
});
