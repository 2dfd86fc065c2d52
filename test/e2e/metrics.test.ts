import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { generateLines } from '@sluice/testkit';
import { afterEach, describe, expect, it } from 'vitest';
import { brokerUrl, cliPath, runCli } from '../support/cli.js';
import { testEnv, uniqueName } from '../support/env.js';
import { freePort } from '../support/net.js';

const children: ChildProcess[] = [];
afterEach(() => {
  for (const child of children.splice(0)) child.kill('SIGKILL');
});

/** Reads one sample value from the Prometheus text format. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    if (!Object.entries(labels).every(([k, v]) => line.includes(`${k}="${v}"`))) continue;
    return Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return undefined;
}

describe.each(['kafka', 'redis', 'rabbitmq'])('/metrics of a running %s consumer', (kind) => {
  it('shows lag and throughput, and answers /healthz and /readyz', async () => {
    const stream = uniqueName(`metrics-${kind}`);
    const index = uniqueName(`metrics-${kind}`);
    const url = brokerUrl(kind, stream);
    const file = join(mkdtempSync(join(tmpdir(), 'sluice-metrics-')), 'access.log');
    writeFileSync(file, `${[...generateLines(2_000)].join('\n')}\n`);
    expect((await runCli(['ship', '--file', file, '--to', url])).code).toBe(0);

    const port = await freePort();
    const consumer = spawn(
      process.execPath,
      [
        cliPath,
        'consume',
        '--from',
        url,
        '--es',
        testEnv().elasticsearchUrl,
        '--index',
        index,
        '--module',
        'apache.access',
        '--group',
        stream,
        '--metrics',
        `127.0.0.1:${port}`,
      ],
      { stdio: 'ignore' },
    );
    children.push(consumer);
    const base = `http://127.0.0.1:${port}`;

    // Wait until everything shipped is acknowledged, as the metrics themselves report it.
    let text = '';
    for (let i = 0; i < 120; i++) {
      await sleep(500);
      const res = await fetch(`${base}/metrics`).catch(() => undefined);
      if (!res?.ok) continue;
      text = await res.text();
      if ((sample(text, 'sluice_consumer_records_total', { outcome: 'acked' }) ?? 0) >= 2_000) break;
    }
    expect(sample(text, 'sluice_consumer_records_total', { outcome: 'acked' })).toBe(2_000);
    expect(sample(text, 'sluice_indexer_documents_total', { outcome: 'indexed' })).toBe(2_000);
    expect(sample(text, 'sluice_broker_consumed_records_total', { backend: kind })).toBeGreaterThanOrEqual(
      2_000,
    );

    // Lag is sampled periodically; once everything is acked it reads zero for this stream.
    let lag: number | undefined;
    for (let i = 0; i < 30; i++) {
      text = await (await fetch(`${base}/metrics`)).text();
      lag = sample(text, 'sluice_consumer_lag_records', { backend: kind, stream });
      if (lag === 0) break;
      await sleep(500);
    }
    expect(lag).toBe(0);

    const utilization = sample(text, 'sluice_parser_pool_utilization');
    expect(utilization).toBeGreaterThanOrEqual(0);
    expect(utilization).toBeLessThanOrEqual(1);
    // Every parsed batch waited in the pool queue once (more on a time-budget retry).
    expect(sample(text, 'sluice_parser_queue_wait_seconds_count')).toBeGreaterThanOrEqual(1);
    expect(sample(text, 'sluice_parser_queue_wait_seconds_bucket', { le: '+Inf' })).toBe(
      sample(text, 'sluice_parser_queue_wait_seconds_count'),
    );

    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    expect((await fetch(`${base}/readyz`)).status).toBe(200);

    consumer.kill('SIGTERM');
    const code = await new Promise<number | null>((resolve) => consumer.once('exit', resolve));
    expect(code).toBe(0);
  });
});
