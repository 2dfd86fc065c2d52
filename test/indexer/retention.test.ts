import type { Client } from '@elastic/elasticsearch';
import { applyRetention } from '@sluice/indexer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminClient, elasticsearchUrl, uniqueIndexName } from './support/env.js';

let admin: Client;
const prefix = uniqueIndexName('logs-retention');
const names = [
  `${prefix}-2024.01.01`,
  `${prefix}-2024.01.31`,
  `${prefix}-2024.02.01`,
  `${prefix}-2024.01`,
  `${prefix}-static`,
];

beforeAll(async () => {
  admin = adminClient(await elasticsearchUrl());
  await Promise.all(
    names.map((index) =>
      admin.indices.create({ index, settings: { number_of_shards: 1, number_of_replicas: 0 } }),
    ),
  );
});

afterAll(async () => {
  await admin.indices.delete({ index: `${prefix}-*`, ignore_unavailable: true }).catch(() => {});
  await admin.close();
});

describe('retention against a real Elasticsearch', () => {
  // "Now" is 2024-03-02T00:00Z; 30 days earlier is 2024-02-01T00:00Z.
  const now = Date.UTC(2024, 2, 2);
  const pattern = `${prefix}-*`;

  it('lists, in a dry run, exactly the indices whose whole period ended before the cut-off, and deletes nothing', async () => {
    const report = await applyRetention(admin, { pattern, olderThanMs: 30 * 86_400_000, now, dryRun: true });
    expect(report.expired.map((d) => d.index)).toEqual([
      `${prefix}-2024.01`,
      `${prefix}-2024.01.01`,
      `${prefix}-2024.01.31`,
    ]);
    expect(report.kept).toEqual([`${prefix}-2024.02.01`]);
    expect(report.skipped).toEqual([`${prefix}-static`]);
    expect(report.deleted).toBe(false);
    expect((await admin.cat.indices({ index: pattern, format: 'json' })).length).toBe(5);
  });

  it('deletes them for real', async () => {
    const report = await applyRetention(admin, { pattern, olderThanMs: 30 * 86_400_000, now });
    expect(report.expired).toHaveLength(3);
    const left = (await admin.cat.indices({ index: pattern, format: 'json', h: 'index' }))
      .map((r) => r.index)
      .sort();
    expect(left).toEqual([`${prefix}-2024.02.01`, `${prefix}-static`]);
  });
});
