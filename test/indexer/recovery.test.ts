import { connect, createServer, type Server, type Socket } from 'node:net';
import type { Client } from '@elastic/elasticsearch';
import { createLogger } from '@sluice/core';
import { type BulkDocument, ElasticsearchSink, encodeBatch, type RecordRef } from '@sluice/indexer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminClient, countDocs, elasticsearchUrl, uniqueIndexName } from './support/env.js';

/**
 * After an outage, the sink's backoff has grown to its cap (30 s by default). It must not
 * sit out that cap once Elasticsearch is back: it probes `HEAD /` while requests wait for
 * an unreachable cluster, and sends them as soon as it answers again.
 */
const quiet = createLogger({ level: 'silent' });
let url: string;
let admin: Client;
const cleanup: string[] = [];

beforeAll(async () => {
  url = await elasticsearchUrl();
  admin = adminClient(url);
});

afterAll(async () => {
  if (cleanup.length > 0)
    await admin.indices.delete({ index: cleanup.join(','), ignore_unavailable: true }).catch(() => {});
  await admin?.close();
});

/** A TCP forwarder to Elasticsearch that can stop listening (connection refused) and listen again on the same port. */
async function forwarder(target: URL): Promise<{ port: number; down(): Promise<void>; up(): Promise<void> }> {
  const sockets = new Set<Socket>();
  let server: Server | undefined;
  let port = 0;
  const up = () =>
    new Promise<void>((resolve) => {
      const listening = createServer((client) => {
        const upstream = connect(Number(target.port), target.hostname);
        for (const s of [client, upstream]) {
          sockets.add(s);
          s.on('close', () => sockets.delete(s));
          s.on('error', () => {});
        }
        client.pipe(upstream).pipe(client);
      }).listen(port, '127.0.0.1', () => {
        port = (listening.address() as { port: number }).port;
        resolve();
      });
      server = listening;
    });
  const down = () =>
    new Promise<void>((resolve) => {
      for (const s of sockets) s.destroy();
      server?.close(() => resolve());
    });
  await up();
  return { port, down, up };
}

describe('ElasticsearchSink after an outage', () => {
  it('sends waiting requests within a probe interval of Elasticsearch answering, not after its backoff', async () => {
    const index = uniqueIndexName('logs-recovery');
    cleanup.push(index);
    const proxy = await forwarder(new URL(url));
    const sink = await ElasticsearchSink.create({
      node: `http://127.0.0.1:${proxy.port}`,
      logger: quiet,
      indexTemplate: false,
      // The backoff of a long outage: 10-20 s (full jitter) before the next attempt.
      policy: { backoff: { initialMs: 20_000, maxMs: 20_000, factor: 1 } },
    });
    try {
      await proxy.down();
      const docs: BulkDocument[] = [];
      const records: RecordRef[] = [];
      for (let i = 0; i < 100; i++) {
        docs.push({ index, id: `r-${i}`, record: i, source: { message: `line ${i}` } });
        records.push({ id: `r-${i}`, line: `line ${i}`, origin: `test@${i}` });
      }
      const writing = sink.write(encodeBatch(docs), records);
      await new Promise((resolve) => setTimeout(resolve, 3_000));
      expect(sink.stalled()).toMatch(/bulk requests failing for \ds, retrying/);
      await proxy.up();
      const back = Date.now();
      expect(await writing).toEqual({ indexed: 100, duplicates: 0, deadLettered: 0, deadLetteredItems: [] });
      // Probes run every 2 s; without them the first retry would come 7-17 s from now.
      expect(Date.now() - back).toBeLessThan(5_000);
      expect(sink.stalled()).toBeUndefined();
    } finally {
      await sink.close();
      await proxy.down();
    }
    expect(await countDocs(admin, index)).toBe(100);
  }, 60_000);
});
