import type { Client } from '@elastic/elasticsearch';
import { createClient } from '@sluice/indexer';
import { testEnv, uniqueName } from '../../support/env.js';

/** The Elasticsearch of this test run (test/support/env.ts decides which). */
export async function elasticsearchUrl(): Promise<string> {
  return testEnv().elasticsearchUrl;
}

/** A lowercase index-safe name no other test or earlier run uses. */
export function uniqueIndexName(prefix: string): string {
  return uniqueName(prefix);
}

export function adminClient(url: string): Client {
  return createClient({ node: url, requestTimeoutMs: 30_000 });
}

export async function countDocs(client: Client, index: string): Promise<number> {
  await client.indices.refresh({ index, ignore_unavailable: true, allow_no_indices: true });
  const answer = await client.count({ index, ignore_unavailable: true, allow_no_indices: true });
  return answer.count;
}
