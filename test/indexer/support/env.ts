import { randomBytes } from 'node:crypto';
import type { Client } from '@elastic/elasticsearch';
import { createClient } from '@sluice/indexer';

/** The Elasticsearch URL from the shared test env (test/support/env.ts) when it exists, else ELASTICSEARCH_URL or the local default. */
export async function elasticsearchUrl(): Promise<string> {
  try {
    const shared = (await import('../../support/env.js')) as { testEnv: () => { elasticsearchUrl: string } };
    return shared.testEnv().elasticsearchUrl;
  } catch {
    return process.env.ELASTICSEARCH_URL ?? 'http://127.0.0.1:9200';
  }
}

/** A lowercase index-safe name no other test or earlier run uses. */
export function uniqueIndexName(prefix: string): string {
  return `${prefix}-${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`;
}

export function adminClient(url: string): Client {
  return createClient({ node: url, requestTimeoutMs: 30_000 });
}

export async function countDocs(client: Client, index: string): Promise<number> {
  await client.indices.refresh({ index, ignore_unavailable: true, allow_no_indices: true });
  const answer = await client.count({ index, ignore_unavailable: true, allow_no_indices: true });
  return answer.count;
}
