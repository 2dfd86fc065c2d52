import type { LogEvent } from '@sluice/core';
import { describe, expect, it } from 'vitest';
import { validateMetrics } from './config.js';
import { LogMetricsEvaluator, statusClass, subtractRows } from './evaluator.js';

function evaluator(specs: unknown[]): LogMetricsEvaluator {
  const { metrics, errors } = validateMetrics(specs, (i) => `t.yaml:${i + 1}`);
  expect(errors).toEqual([]);
  return new LogMetricsEvaluator(metrics);
}

const http = (status: unknown, method = 'GET', bytes?: unknown): LogEvent => ({
  http: {
    request: { method },
    response: {
      ...(status === undefined ? {} : { status_code: status as number }),
      ...(bytes === undefined ? {} : { body: { bytes: bytes as number } }),
    },
  },
});

describe('LogMetricsEvaluator', () => {
  it('counts events by status class; events without the field are not counted', () => {
    const e = evaluator([
      {
        name: 'responses_total',
        type: 'counter',
        labels: { status_class: { field: 'http.response.status_code', transform: 'status_class' } },
      },
    ]);
    for (const status of [200, 201, '200', 404, 500, 503, '502', undefined, 'abc', 99, 600, 200.5]) {
      e.observe(http(status));
    }
    expect(e.drain()).toEqual([
      [0, ['2xx'], 3],
      [0, ['4xx'], 1],
      [0, ['5xx'], 3],
    ]);
    expect(e.drain()).toEqual([]);
  });

  it('applies if, transform, map and default; counters with a field add its value', () => {
    const e = evaluator([
      {
        name: 'bytes_total',
        type: 'counter',
        field: 'http.response.body.bytes',
        labels: {
          method: {
            field: 'http.request.method',
            transform: 'uppercase',
            map: { GET: 'GET', POST: 'POST' },
            default: 'other',
          },
        },
        if: { field: 'http.response.status_code', in: [200] },
      },
    ]);
    e.observe(http(200, 'get', 100));
    e.observe(http(200, 'GET', '50'));
    e.observe(http(200, 'BREW', 7));
    e.observe(http(200, 'POST', -5)); // a counter never goes down: not counted
    e.observe(http(200, 'POST', 'many')); // not a number: not counted
    e.observe(http(500, 'GET', 1000)); // if: false
    e.observe({ http: { response: { status_code: 200, body: { bytes: 1 } } } }); // no method: default
    expect(e.drain()).toEqual([
      [0, ['GET'], 150],
      [0, ['other'], 8],
    ]);
  });

  it('histograms send per-bucket counts (the last above the top bound) and the scaled sum', () => {
    const e = evaluator([
      {
        name: 'duration_seconds',
        type: 'histogram',
        field: 'event.duration',
        scale: 0.001,
        buckets: [0.1, 1],
      },
    ]);
    for (const ms of [50, 100, 101, 1000, 5000, '20']) e.observe({ event: { duration: ms as number } });
    e.observe({ event: {} });
    const rows = e.drain();
    expect(rows).toHaveLength(1);
    const [metric, labels, sum, counts] = rows[0] as [number, string[], number, number[]];
    expect([metric, labels, counts]).toEqual([0, [], [3, 2, 1]]);
    expect(sum).toBeCloseTo(6.271, 9);
  });

  it('bounds the label sets of one batch; the rest go to the _overflow series', () => {
    const e = evaluator([
      { name: 'paths_total', type: 'counter', labels: { path: 'url.original' }, max_series: 2 },
    ]);
    for (const path of ['/a', '/b', '/c', '/a', '/d']) e.observe({ url: { original: path } });
    e.observe({ url: { original: 'x'.repeat(500) } });
    expect(e.drain()).toEqual([
      [0, ['/a'], 2],
      [0, ['/b'], 1],
      [0, ['_overflow'], 3],
    ]);
    e.observe({ url: { original: 'y'.repeat(500) } });
    expect(e.drain()).toEqual([[0, ['y'.repeat(128)], 1]]);
  });

  it('statusClass reads integers 100..599 and their text only', () => {
    expect([200, '404', 599, 100, '1e2'].map(statusClass)).toEqual(['2xx', '4xx', '5xx', '1xx', '1xx']);
    expect([600, 99, '', null, true, 200.1, ' '].map((v) => statusClass(v as never))).toEqual(
      new Array(7).fill(undefined),
    );
  });
});

describe('subtractRows', () => {
  it('takes dead-lettered contributions out of a batch, by series, histograms bucket by bucket', () => {
    const rows = [
      [0, ['5xx'], 3],
      [0, ['2xx'], 1],
      [1, [], 0.9, [1, 1, 0]],
    ] as const;
    const excluded = [
      [0, ['5xx'], 1],
      [0, ['2xx'], 1],
      [1, [], 0.4, [0, 1, 0]],
    ] as const;
    expect(subtractRows(rows, excluded)).toEqual([
      [0, ['5xx'], 2],
      [1, [], 0.5, [1, 0, 0]],
    ]);
  });

  it('a series the batch folded into _overflow is taken from the overflow series', () => {
    expect(subtractRows([[0, ['_overflow'], 5]], [[0, ['rare'], 2]])).toEqual([[0, ['_overflow'], 3]]);
  });
});
