import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { generateLines } from '@sluice/testkit';
import { afterAll, describe, expect, it } from 'vitest';
import { brokerUrl, type CliProcess, startCli } from '../support/cli.js';
import { offsetCounts } from '../support/elasticsearch.js';
import { testEnv, uniqueName } from '../support/env.js';
import { freePort } from '../support/net.js';

// Issue 4's fault test: a consumer SIGKILLed in the middle of a run loses nothing, and the
// records it had received but not acknowledged, once redelivered, do not become duplicates.
const LINES = 20_000;
const children: ChildProcess[] = [];
const indices: string[] = [];
afterAll(async () => {
  for (const child of children) child.kill('SIGKILL');
  for (const index of indices) await fetch(`${testEnv().elasticsearchUrl}/${index}`, { method: 'DELETE' });
});

function start(args: string[]): CliProcess {
  const started = startCli(args);
  children.push(started.child);
  return started;
}

async function acked(port: number): Promise<number> {
  const text = await fetch(`http://127.0.0.1:${port}/metrics`)
    .then((r) => r.text())
    .catch(() => '');
  const line = text
    .split('\n')
    .find((l) => l.startsWith('sluice_consumer_records_total{') && l.includes('outcome="acked"'));
  return line ? Number(line.slice(line.lastIndexOf(' ') + 1)) : 0;
}

// How soon another consumer takes over a dead one's records: short, so the test stays short.
const FAST_RECOVERY: Record<string, string> = {
  redis: 'heartbeatMs=1000',
  'redis-stream': 'claimIdleMs=1000',
};

describe.each(['kafka', 'redis', 'redis-stream', 'rabbitmq'])('a %s consumer SIGKILLed mid-run', (kind) => {
  it(`leaves each of ${LINES} lines in Elasticsearch exactly once after a second consumer finishes`, async () => {
    const stream = uniqueName(`crash-${kind}`);
    const index = uniqueName(`crash-${kind}`);
    indices.push(index);
    const base = brokerUrl(kind, stream);
    const recovery = FAST_RECOVERY[kind];
    const url = recovery === undefined ? base : `${base}${base.includes('?') ? '&' : '?'}${recovery}`;
    const es = testEnv().elasticsearchUrl;
    const file = join(mkdtempSync(join(tmpdir(), 'sluice-crash-')), 'access.log');
    writeFileSync(file, `${[...generateLines(LINES, { seed: 99 })].join('\n')}\n`);
    const shipper = start(['ship', '--file', file, '--to', url]);
    expect(await shipper.exited, shipper.stderr()).toBe(0);

    const consumerArgs = [
      'consume',
      '--from',
      url,
      '--es',
      es,
      '--index',
      index,
      '--module',
      'apache.access',
      '--group',
      stream,
      '--threads',
      '1',
    ];
    const port = await freePort();
    // Small batches and budget so the first consumer is surely mid-run when it dies.
    const first = start([
      ...consumerArgs,
      '--metrics',
      `127.0.0.1:${port}`,
      '--batch-size',
      '200',
      '--max-inflight-events',
      '1000',
    ]);
    let done = 0;
    for (let i = 0; i < 240 && done < LINES / 4; i++) {
      await sleep(250);
      done = await acked(port);
    }
    expect(done, first.stderr()).toBeGreaterThanOrEqual(LINES / 4);
    expect(done).toBeLessThan(LINES);
    first.child.kill('SIGKILL');
    await first.exited;

    const second = start([...consumerArgs, '--exit-when-idle', '8']);
    expect(await second.exited, second.stderr()).toBe(0);

    await fetch(`${es}/${index}/_refresh`, { method: 'POST' });
    const count = (await (await fetch(`${es}/${index}/_count`)).json()) as { count: number };
    expect(count.count).toBe(LINES);
    // Exact, not `cardinality`: an estimate cannot tell 20,000 from 20,001.
    expect(await offsetCounts(es, index)).toEqual({ distinct: LINES, notOnce: [] });
  }, 300_000);
});
