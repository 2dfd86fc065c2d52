import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ConfigError, counter, histogram, metricsRegistry } from '@sluice/core';
import { afterEach, describe, expect, it } from 'vitest';
import { parseExposition } from './exposition.js';
import { normalizeEndpoint, parseInterval, runTop } from './run.js';
import { buildView } from './view.js';

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
});

/** Serves page(n) on the n-th request (0-based), like a process whose counters move between scrapes. */
async function serve(page: (n: number) => string): Promise<string> {
  let n = 0;
  const server = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' });
    res.end(page(n++));
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `127.0.0.1:${(server.address() as AddressInfo).port}`;
}

const shipperPage = (n: number) => `# HELP sluice_shipper_lines_total Lines read.
# TYPE sluice_shipper_lines_total counter
sluice_shipper_lines_total ${10_000 + n * 3_000}
sluice_broker_published_records_total{backend="kafka"} ${9_000 + n * 3_000}
sluice_process_resident_memory_bytes ${64 * 1024 * 1024}
sluice_process_cpu_seconds_total ${5 + n * 0.5}
`;

const consumerPage = (
  n: number,
) => `sluice_broker_consumed_records_total{backend="kafka"} ${1_000 + n * 2_000}
sluice_parser_events_total{outcome="parsed"} ${900 + n * 1_800}
sluice_parser_events_total{outcome="failed"} ${100 + n * 200}
sluice_indexer_documents_total{outcome="indexed"} ${800 + n * 1_600}
sluice_indexer_documents_total{outcome="duplicate"} ${0 + n * 400}
sluice_indexer_documents_total{outcome="dead_lettered"} ${n * 20}
sluice_indexer_documents_total{outcome="retried"} 7
sluice_broker_acknowledged_records_total{backend="kafka"} ${900 + n * 2_000}
sluice_broker_dead_lettered_records_total{backend="kafka"} ${n * 2}
sluice_consumer_lag_records{backend="kafka",stream="logs",partition="0"} ${4_000 - n * 1_000}
sluice_consumer_lag_records{backend="kafka",stream="logs",partition="1"} 250
sluice_consumer_inflight_events 1200
sluice_consumer_inflight_bytes 3145728
sluice_parser_pool_utilization 0.75
sluice_consumer_paused_seconds_total ${n * 0.5}
sluice_process_resident_memory_bytes ${200 * 1024 * 1024}
sluice_process_cpu_seconds_total ${10 + n * 3}
`;

/** A clock that advances exactly 2 s per scrape round, so rates are exact. */
function steppedClock(endpoints: number): () => number {
  let calls = 0;
  return () => Math.floor(calls++ / endpoints) * 2_000;
}

describe('sluice top --once', () => {
  it('shows per-stage rates from counter deltas, lag, in-flight, pool, failures and RSS', async () => {
    const shipper = await serve(shipperPage);
    const consumer = await serve(consumerPage);
    let out = '';
    await runTop({
      endpoints: [shipper, `http://${consumer}/metrics`],
      intervalMs: 50,
      once: true,
      tty: false,
      write: (t) => {
        out += t;
      },
      now: steppedClock(2),
    });
    const row = (label: string) =>
      out
        .split('\n')
        .find((l) => l.startsWith(`${label} `))
        ?.slice(label.length)
        .trim()
        .split(/\s{2,}/);
    // Columns: shipper, consumer, total. Deltas over 2 s.
    expect(row('shipped lines/s')).toEqual(['1,500', '-', '1,500']);
    expect(row('published/s')).toEqual(['1,500', '-', '1,500']);
    expect(row('consumed/s')).toEqual(['-', '1,000', '1,000']);
    expect(row('parsed/s')).toEqual(['-', '900', '900']);
    expect(row('parse failures/s')).toEqual(['-', '100', '100']);
    expect(row('indexed/s')).toEqual(['-', '1,000', '1,000']); // indexed + duplicate
    expect(row('acknowledged/s')).toEqual(['-', '1,000', '1,000']);
    expect(row('retried/s')).toEqual(['-', '0', '0']);
    expect(row('dead-lettered/s')).toEqual(['-', '11', '11']); // (20 + 2) / 2
    expect(row('lag (records)')).toEqual(['-', '3,250', '3,250']);
    expect(row('in-flight events')).toEqual(['-', '1,200', '1,200']);
    expect(row('in-flight bytes')).toEqual(['-', '3.0 MiB', '3.0 MiB']);
    expect(row('pool utilization')).toEqual(['-', '75.0%', '75.0%']);
    expect(row('paused')).toEqual(['-', '25.0%', '25.0%']);
    expect(row('CPU (cores)')).toEqual(['0.25', '1.50', '1.75']);
    expect(row('RSS')).toEqual(['64.0 MiB', '200.0 MiB', '264.0 MiB']);
    expect(out).toContain('lag by stream / partition');
    expect(out).toMatch(/ {2}kafka logs {2} {3}0 {5}3,000\n {2}kafka logs {2} {3}1 {7}250\n/);
    expect(out).not.toContain('\x1b['); // no cursor codes when not a terminal
  });

  it('fails with exit 2 and a hint when an endpoint cannot be read', async () => {
    const up = await serve(consumerPage);
    const gone = await serve(consumerPage);
    await new Promise<void>((resolve) => servers.pop()?.close(() => resolve()));
    const error = await runTop({
      endpoints: [up, gone],
      intervalMs: 10,
      once: true,
      tty: false,
      write: () => {},
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).message).toBe(
      `cannot read metrics from http://${gone}/metrics: ECONNREFUSED`,
    );
    expect((error as ConfigError).hint).toMatch(/--metrics HOST:PORT/);
  });
});

describe('live view', () => {
  it('redraws in place on a terminal and stops on abort', async () => {
    const consumer = await serve(consumerPage);
    const controller = new AbortController();
    const frames: string[] = [];
    await runTop({
      endpoints: [consumer],
      intervalMs: 20,
      once: false,
      tty: true,
      write: (t) => {
        frames.push(t);
        if (frames.length === 3) controller.abort();
      },
      now: steppedClock(1),
      signal: controller.signal,
    });
    expect(frames[0]).toBe('\x1b[?25l');
    expect(frames[1]?.startsWith('\x1b[H')).toBe(true);
    const lines = frames[1]?.split('\x1b[K\n') ?? [];
    expect(lines.find((l) => l.startsWith('consumed/s'))?.trim()).toBe('consumed/s                  1,000');
    expect(frames.at(-1)).toBe('\x1b[?25h');
  });
});

describe('rates', () => {
  it('treats a counter that went down as a restart and counts from zero', () => {
    const at = (t: number, v: number) => ({
      endpoint: 'e',
      at: t,
      samples: [{ name: 'sluice_broker_consumed_records_total', labels: { backend: 'redis' }, value: v }],
    });
    const view = buildView([at(0, 5_000)], [at(4_000, 400)]);
    expect(view.rows.find((r) => r.spec.label === 'consumed/s')?.values[0]).toBe(100);
  });

  it('counts each partition once when several consumers report the same group lag', () => {
    const lag = (v: number) => ({
      name: 'sluice_consumer_lag_records',
      labels: { backend: 'kafka', stream: 't', partition: '0' },
      value: v,
    });
    const a = { endpoint: 'a', at: 0, samples: [lag(100)] };
    const b = { endpoint: 'b', at: 0, samples: [lag(120)] };
    const view = buildView([a, b], [a, b]);
    expect(view.rows.find((r) => r.spec.label === 'lag (records)')?.values).toEqual([100, 120, 120]);
  });

  it("RabbitMQ: the queue is ready once plus every consumer's unacked, not the highest reading", () => {
    const sample = (name: string, v: number) => ({
      name,
      labels: {
        backend: 'rabbitmq',
        stream: 'q',
        ...(name === 'sluice_consumer_lag_records' ? { partition: '' } : {}),
      },
      value: v,
    });
    // 20,000 ready; consumer a holds 3,000 unacked, b holds 4,000: each alone sees ready + its own.
    const a = {
      endpoint: 'a',
      at: 0,
      samples: [
        sample('sluice_consumer_lag_records', 23_000),
        sample('sluice_broker_ready_records', 20_000),
        sample('sluice_broker_unacked_records', 3_000),
      ],
    };
    const b = {
      endpoint: 'b',
      at: 0,
      samples: [
        sample('sluice_consumer_lag_records', 24_000),
        sample('sluice_broker_ready_records', 20_000),
        sample('sluice_broker_unacked_records', 4_000),
      ],
    };
    const view = buildView([a, b], [a, b]);
    expect(view.lag).toEqual([{ backend: 'rabbitmq', stream: 'q', partition: '', lag: 27_000 }]);
    expect(view.rows.find((r) => r.spec.label === 'lag (records)')?.values[2]).toBe(27_000);
  });
});

describe('parseExposition', () => {
  it('reads what prom-client serves: labels with escapes, histograms, +Inf', async () => {
    counter<'tag'>({ name: 'sluice_test_top_total', help: 'h', labelNames: ['tag'] }).inc(
      { tag: 'a "quoted"\\ \nvalue' },
      3,
    );
    histogram({ name: 'sluice_test_top_seconds', help: 'h', buckets: [0.1, 1] }).observe(0.5);
    const samples = parseExposition(await metricsRegistry.metrics());
    expect(samples).toContainEqual({
      name: 'sluice_test_top_total',
      labels: { tag: 'a "quoted"\\ \nvalue' },
      value: 3,
    });
    expect(samples).toContainEqual({
      name: 'sluice_test_top_seconds_bucket',
      labels: { le: '+Inf' },
      value: 1,
    });
    expect(samples).toContainEqual({ name: 'sluice_test_top_seconds_sum', labels: {}, value: 0.5 });
  });

  it('names the line it cannot read', () => {
    expect(() => parseExposition('ok 1\nbroken{a="1" 2\n')).toThrow(
      /^metrics line 2: expected , or } at column 14/,
    );
    expect(() => parseExposition('x{a="1"} abc')).toThrow(
      'metrics line 1: expected a number, got "abc": x{a="1"} abc',
    );
  });
});

describe('normalizeEndpoint', () => {
  it('accepts HOST:PORT and URLs, defaulting the path to /metrics', () => {
    expect(normalizeEndpoint('127.0.0.1:9464')).toBe('http://127.0.0.1:9464/metrics');
    expect(normalizeEndpoint('http://consumer:9464')).toBe('http://consumer:9464/metrics');
    expect(normalizeEndpoint('https://h/custom')).toBe('https://h/custom');
    expect(() => normalizeEndpoint('kafka://x:1')).toThrow(ConfigError);
  });
});

describe('parseInterval', () => {
  it('reads seconds with or without a unit and refuses less than 100 ms', () => {
    expect(parseInterval('2')).toBe(2);
    expect(parseInterval('500ms')).toBe(0.5);
    expect(parseInterval('1m')).toBe(60);
    expect(() => parseInterval('50ms')).toThrow(
      '--interval must be a duration of at least 100ms, like 2s, 500ms or 1m, got "50ms"',
    );
    expect(() => parseInterval('soon')).toThrow(ConfigError);
  });
});
