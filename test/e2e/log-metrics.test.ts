import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { generateLines } from '@sluice/testkit';
import { afterEach, describe, expect, it } from 'vitest';
import { brokerUrl, cliPath, runCli } from '../support/cli.js';
import { testEnv, uniqueName } from '../support/env.js';
import { freePort } from '../support/net.js';

// The pipeline shipped in deploy/: the 5xx alert rule reads the counter it declares.
const CONFIG = fileURLToPath(new URL('../../deploy/pipelines/nginx-metrics.yaml', import.meta.url));

const children: ChildProcess[] = [];
afterEach(() => {
  for (const child of children.splice(0)) child.kill('SIGKILL');
});

/** Every sample of `name` in the Prometheus text format, by its label text. */
function samples(text: string, name: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    const labels = line.startsWith(`${name}{`) ? line.slice(name.length + 1, line.lastIndexOf('}')) : '';
    out.set(labels, Number(line.slice(line.lastIndexOf(' ') + 1)));
  }
  return out;
}

describe('logs to metrics on a running consumer', () => {
  it('counts the shipped access lines by status class on /metrics, as the 5xx alert rule reads them', async () => {
    const stream = uniqueName('log-metrics');
    const url = brokerUrl('redis', stream);
    const access = [...generateLines(3_000, { seed: 7 })];
    // Lines that are not access logs are indexed (tagged) but have no status: not counted.
    const lines = [...access, 'not an access log line', 'another one'];
    const file = join(mkdtempSync(join(tmpdir(), 'sluice-log-metrics-')), 'access.log');
    writeFileSync(file, `${lines.join('\n')}\n`);
    const expected: Record<string, number> = {};
    for (const line of access) {
      const status = /" (\d)\d\d \d+ "/.exec(line)?.[1];
      expect(status).toBeDefined();
      const key = `${status}xx`;
      expected[key] = (expected[key] ?? 0) + 1;
    }
    expect(expected['5xx']).toBeGreaterThan(0);
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
        uniqueName('log-metrics'),
        '--config',
        CONFIG,
        '--group',
        stream,
        '--threads',
        '2',
        '--batch-size',
        '200',
        '--metrics',
        `127.0.0.1:${port}`,
      ],
      { stdio: 'ignore' },
    );
    children.push(consumer);
    const base = `http://127.0.0.1:${port}`;

    let text = '';
    for (let i = 0; i < 120; i++) {
      await sleep(500);
      const res = await fetch(`${base}/metrics`).catch(() => undefined);
      if (!res?.ok) continue;
      text = await res.text();
      if ((samples(text, 'sluice_consumer_records_total').get('outcome="acked"') ?? 0) >= lines.length) break;
    }
    expect(samples(text, 'sluice_consumer_records_total').get('outcome="acked"')).toBe(lines.length);

    const responses = samples(text, 'sluice_logs_http_responses_total');
    expect(Object.fromEntries(responses)).toEqual(
      Object.fromEntries(Object.entries(expected).map(([k, v]) => [`status_class="${k}"`, v])),
    );
    expect(text).toContain('# TYPE sluice_logs_http_responses_total counter');

    // The histogram: one observation per access line, folded into a bounded set of methods.
    expect(text).toContain('# TYPE sluice_logs_http_response_body_bytes histogram');
    const counts = samples(text, 'sluice_logs_http_response_body_bytes_count');
    expect([...counts.values()].reduce((a, b) => a + b, 0)).toBe(access.length);
    for (const labels of counts.keys())
      expect(labels).toMatch(/^method="(GET|HEAD|POST|PUT|PATCH|DELETE|OPTIONS|other)"$/);

    // Each batch's wait in the parser pool queue (at least one per broker batch; retries add more).
    const waits = samples(text, 'sluice_parser_queue_wait_seconds_count').get('') ?? 0;
    expect(waits).toBeGreaterThanOrEqual(Math.ceil(lines.length / 200));
    expect(samples(text, 'sluice_parser_queue_wait_seconds_bucket').get('le="+Inf"')).toBe(waits);

    consumer.kill('SIGTERM');
    const code = await new Promise<number | null>((resolve) => consumer.once('exit', resolve));
    expect(code).toBe(0);
  });

  it('items Elasticsearch refused (dead-lettered) are not counted as processed logs', async () => {
    const stream = uniqueName('log-metrics-dl');
    const url = brokerUrl('redis', stream);
    const index = uniqueName('log-metrics-dl');
    const es = testEnv().elasticsearchUrl;
    // `size` is a long in the index: a line whose size is not a number is refused (400,
    // mapper_parsing_exception) and dead-lettered, inside a batch that is otherwise accepted.
    const created = await fetch(`${es}/${index}`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ mappings: { properties: { size: { type: 'long' } } } }),
    });
    expect(created.ok).toBe(true);
    const dir = mkdtempSync(join(tmpdir(), 'sluice-log-metrics-dl-'));
    const config = join(dir, 'pipeline.yaml');
    writeFileSync(
      config,
      `processors:
  - grok: { patterns: ["^%{WORD:kind} %{INT:status:int} %{NOTSPACE:size}$"] }
metrics:
  - name: sluice_logs_dl_test_responses_total
    type: counter
    labels: { status_class: { field: status, transform: status_class } }
`,
    );
    const lines: string[] = [];
    for (let i = 0; i < 60; i++) lines.push(`ok 200 ${i}`, `ok 503 ${i}`, `bad 503 not-a-number-${i}`);
    const file = join(dir, 'lines.log');
    writeFileSync(file, `${lines.join('\n')}\n`);
    expect((await runCli(['ship', '--file', file, '--to', url])).code).toBe(0);

    const port = await freePort();
    const consumer = spawn(
      process.execPath,
      [
        ...[cliPath, 'consume', '--from', url, '--es', es, '--index', index, '--config', config],
        ...['--group', stream, '--threads', '1', '--batch-size', '50', '--metrics', `127.0.0.1:${port}`],
        ...['--dead-letter', brokerUrl('redis', `${stream}-dead`)],
      ],
      { stdio: 'ignore' },
    );
    children.push(consumer);
    let text = '';
    for (let i = 0; i < 120; i++) {
      await sleep(500);
      const res = await fetch(`http://127.0.0.1:${port}/metrics`).catch(() => undefined);
      if (!res?.ok) continue;
      text = await res.text();
      if ((samples(text, 'sluice_consumer_records_total').get('outcome="acked"') ?? 0) >= lines.length) break;
    }
    expect(samples(text, 'sluice_consumer_records_total').get('outcome="acked"')).toBe(lines.length);
    expect(samples(text, 'sluice_indexer_documents_total').get('outcome="dead_lettered"')).toBe(60);
    // Counted: the 60 + 60 lines that were written; not the 60 refused 503s.
    expect(Object.fromEntries(samples(text, 'sluice_logs_dl_test_responses_total'))).toEqual({
      'status_class="2xx"': 60,
      'status_class="5xx"': 60,
    });
    consumer.kill('SIGTERM');
    expect(await new Promise<number | null>((resolve) => consumer.once('exit', resolve))).toBe(0);
    await fetch(`${es}/${index}`, { method: 'DELETE' });
  }, 120_000);
});
