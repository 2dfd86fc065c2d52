/**
 * Exactly-once checks against Elasticsearch, shared by the fault tests. They page through a
 * composite aggregation instead of asking `cardinality`, which only estimates: a fault test
 * must tell 20,000 from 20,001.
 */

export interface OffsetCounts {
  /** Distinct `log.offset` values in the index (a document without one counts as one value). */
  readonly distinct: number;
  /** Offsets not held by exactly one document, as `offset×count`, so a failure shows which. */
  readonly notOnce: readonly string[];
}

export async function offsetCounts(node: string, index: string): Promise<OffsetCounts> {
  await fetch(`${node}/${index}/_refresh`, { method: 'POST' });
  let after: unknown;
  let distinct = 0;
  const notOnce: string[] = [];
  for (;;) {
    const res = await fetch(`${node}/${index}/_search`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        size: 0,
        aggs: {
          offsets: {
            composite: {
              size: 10_000,
              sources: [{ offset: { terms: { field: 'log.offset', missing_bucket: true } } }],
              ...(after ? { after } : {}),
            },
          },
        },
      }),
    });
    if (!res.ok) throw new Error(`offset aggregation on ${index}: ${res.status} ${await res.text()}`);
    const body = (await res.json()) as {
      aggregations: {
        offsets: { after_key?: unknown; buckets: { key: { offset: unknown }; doc_count: number }[] };
      };
    };
    const { buckets, after_key } = body.aggregations.offsets;
    for (const b of buckets) {
      distinct++;
      if (b.doc_count !== 1 || b.key.offset === null) notOnce.push(`${String(b.key.offset)}×${b.doc_count}`);
    }
    if (buckets.length === 0 || after_key === undefined) return { distinct, notOnce };
    after = after_key;
  }
}
