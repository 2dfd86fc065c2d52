import { ConfigError, metricsRegistry } from '@sluice/core';
import { describe, expect, it } from 'vitest';
import { validateMetrics } from './config.js';
import { LogMetricsExporter } from './exporter.js';

function definitions(specs: unknown[]) {
  const { metrics, errors } = validateMetrics(specs, (i) => `t.yaml:${i + 1}`);
  expect(errors).toEqual([]);
  return metrics;
}

async function exposition(name: string): Promise<string[]> {
  const text = await metricsRegistry.metrics();
  return text.split('\n').filter((line) => line.startsWith(name));
}

describe('LogMetricsExporter', () => {
  it('adds counter rows and bounds label sets across batches, overflow in one series', async () => {
    const exporter = new LogMetricsExporter(
      definitions([
        {
          name: 'exporter_test_paths_total',
          type: 'counter',
          labels: { path: 'url.original', method: 'http.request.method' },
          max_series: 2,
        },
      ]),
    );
    exporter.add([
      [0, ['/a', 'GET'], 2],
      [0, ['/b', 'GET'], 1],
    ]);
    // A later batch (another worker) brings a third label set: it overflows; known ones still count.
    exporter.add([
      [0, ['/c', 'GET'], 4],
      [0, ['/a', 'GET'], 1],
      [0, ['_overflow', '_overflow'], 5],
    ]);
    exporter.add([[7, ['/z'], 1]]);
    expect(await exposition('exporter_test_paths_total')).toEqual([
      'exporter_test_paths_total{path="/a",method="GET"} 3',
      'exporter_test_paths_total{path="/b",method="GET"} 1',
      'exporter_test_paths_total{path="_overflow",method="_overflow"} 9',
    ]);
  });

  it('exposes histograms in the standard form: cumulative buckets, +Inf, sum and count', async () => {
    const exporter = new LogMetricsExporter(
      definitions([
        {
          name: 'exporter_test_bytes',
          type: 'histogram',
          field: 'b',
          buckets: [10, 100],
          labels: { method: 'm' },
        },
      ]),
    );
    exporter.add([[0, ['GET'], 250, [1, 2, 1]]]);
    exporter.add([[0, ['GET'], 5, [1, 0, 0]]]);
    const text = await metricsRegistry.metrics();
    expect(text).toContain('# TYPE exporter_test_bytes histogram');
    expect(await exposition('exporter_test_bytes')).toEqual([
      'exporter_test_bytes_bucket{method="GET",le="10"} 2',
      'exporter_test_bytes_bucket{method="GET",le="100"} 4',
      'exporter_test_bytes_bucket{method="GET",le="+Inf"} 5',
      'exporter_test_bytes_sum{method="GET"} 255',
      'exporter_test_bytes_count{method="GET"} 5',
    ]);
  });

  it('shares a metric declared the same way twice, and refuses one declared differently', () => {
    const spec = { name: 'exporter_test_shared_total', type: 'counter', labels: { a: 'x' } };
    new LogMetricsExporter(definitions([spec]));
    expect(() => new LogMetricsExporter(definitions([spec]))).not.toThrow();
    expect(() => new LogMetricsExporter(definitions([{ ...spec, labels: { b: 'x' } }]))).toThrowError(
      ConfigError,
    );
    expect(
      () =>
        new LogMetricsExporter(
          definitions([{ name: 'sluice_logs_queue_test', type: 'histogram', field: 'x' }, spec]),
        ),
    ).not.toThrow();
  });
});
