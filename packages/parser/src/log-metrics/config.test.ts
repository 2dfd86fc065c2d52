import { describe, expect, it } from 'vitest';
import { metricsOf, parsePipelineText } from '../pipeline/load.js';
import { LOG_METRIC_DEFAULTS, validateMetrics } from './config.js';

const where = (i: number) => (i < 0 ? 'p.yaml:3' : `p.yaml:${4 + i}`);
const messages = (specs: unknown) => validateMetrics(specs, where).errors.map((e) => e.message);

describe('metrics: declarations', () => {
  it('normalizes a counter and a histogram, with label shorthand and defaults', () => {
    const { metrics, errors } = validateMetrics(
      [
        {
          name: 'sluice_logs_http_responses_total',
          type: 'counter',
          labels: {
            status_class: { field: 'http.response.status_code', transform: 'status_class' },
            method: 'http.request.method',
          },
          if: { exists: 'http.response.status_code' },
        },
        {
          name: 'app_request_duration_seconds',
          type: 'histogram',
          help: 'Request time.',
          field: 'event.duration',
          scale: 1e-9,
          labels: { level: { field: 'log.level', map: { warn: 'warning', err: 'error' }, default: 'other' } },
          max_series: 5,
        },
      ],
      where,
    );
    expect(errors).toEqual([]);
    expect(metrics).toEqual([
      {
        name: 'sluice_logs_http_responses_total',
        type: 'counter',
        help: LOG_METRIC_DEFAULTS.help,
        labels: [
          { name: 'status_class', field: 'http.response.status_code', transform: 'status_class' },
          { name: 'method', field: 'http.request.method' },
        ],
        condition: { exists: 'http.response.status_code' },
        scale: 1,
        buckets: [],
        maxSeries: 100,
        where: 'p.yaml:4: metric 1 (sluice_logs_http_responses_total)',
      },
      {
        name: 'app_request_duration_seconds',
        type: 'histogram',
        help: 'Request time.',
        labels: [
          { name: 'level', field: 'log.level', map: { warn: 'warning', err: 'error' }, default: 'other' },
        ],
        field: 'event.duration',
        scale: 1e-9,
        buckets: LOG_METRIC_DEFAULTS.buckets,
        maxSeries: 5,
        where: 'p.yaml:5: metric 2 (app_request_duration_seconds)',
      },
    ]);
  });

  it('names the file, line, metric, key, value and what would be valid', () => {
    expect(messages({ name: 'x' })).toEqual([
      'p.yaml:3: "metrics" must be a list of metric declarations, got {"name":"x"}',
    ]);
    expect(
      messages([
        'sluice_logs_x_total',
        { name: 'a_total', type: 'gauge' },
        { name: 'sluice_logs_requests', type: 'counter' },
        { name: 'sluice_parser_events_total', type: 'counter' },
        { name: '9lives_total', type: 'counter' },
        { name: 'latency_total', type: 'histogram', field: 'x' },
        { name: 'latency_seconds', type: 'histogram' },
        { name: 'latency_seconds', type: 'histogram', field: 'x', buckets: [1, 1] },
        { name: 'b_total', type: 'counter', buckets: [1] },
        { name: 'c_total', type: 'counter', labels: { le: 'x', 'bad-name': 'y' } },
        { name: 'd_total', type: 'counter', labels: { s: { field: 'x', transform: 'status' } } },
        { name: 'e_total', type: 'counter', labels: { s: { feld: 'x' } } },
        { name: 'f_total', type: 'counter', if: { field: 'x', matches: '(' } },
        { name: 'g_total', type: 'counter', scale: 2 },
        { name: 'h_total', type: 'counter', labels: { a: 'x' }, max_series: 0 },
        { name: 'i_total', type: 'counter', lables: {} },
        { name: 'a_total', type: 'counter' },
        { name: 'a_total', type: 'counter' },
      ]),
    ).toEqual([
      'p.yaml:4: metric 1: a metric must be a mapping with "name" and "type", got "sluice_logs_x_total"',
      'p.yaml:5: metric 2 (a_total): "type" must be counter or histogram, got "gauge"',
      'p.yaml:6: metric 3 (sluice_logs_requests): "name" of a counter must end in _total, got "sluice_logs_requests"',
      `p.yaml:7: metric 4 (sluice_parser_events_total): "name" "sluice_parser_events_total" is in the namespace of Sluice's own metrics`,
      'p.yaml:8: metric 5 (9lives_total): "name" must be a Prometheus metric name (letters, digits, _ and :, not starting with a digit or __), got "9lives_total"',
      'p.yaml:9: metric 6 (latency_total): "name" of a histogram must not end in _total, _bucket, _sum or _count (Prometheus adds the last three), got "latency_total"',
      'p.yaml:10: metric 7 (latency_seconds): "field" is required for a histogram: the numeric field to observe',
      'p.yaml:11: metric 8 (latency_seconds): "buckets" must be a list of 1 to 50 finite numbers in increasing order (upper bounds; +Inf is added), got [1,1]',
      'p.yaml:12: metric 9 (b_total): "buckets" is for histograms; a counter has none',
      'p.yaml:13: metric 10 (c_total): label name "bad-name" must be letters, digits and _, not starting with a digit or __',
      'p.yaml:14: metric 11 (d_total): "labels.s".transform must be one of status_class, lowercase, uppercase, got "status"',
      'p.yaml:15: metric 12 (e_total): "labels.s": unknown key "feld"; valid keys: field, transform, map, default',
      'p.yaml:16: metric 13 (f_total): "if" "matches" is not a valid regular expression: "(" (Invalid regular expression: /(/: Unterminated group)',
      'p.yaml:17: metric 14 (g_total): "scale" needs "field" (it multiplies its value)',
      'p.yaml:18: metric 15 (h_total): "max_series" must be an integer between 1 and 10000, got 0',
      'p.yaml:19: metric 16 (i_total): unknown key "lables"; valid keys: name, type, help, labels, if, field, scale, buckets, max_series',
      'p.yaml:21: metric 18 (a_total): "name" "a_total" is already declared at p.yaml:20: metric 17 (a_total)',
    ]);
  });

  it('a pipeline file gives each declaration the line it starts on', () => {
    const file = parsePipelineText(
      `processors:
  - drop: {}
metrics:
  - name: lines_total
    type: counter
  - name: bytes_total
    type: counter
    field: [not, a, field]
`,
      'p.yaml',
    );
    const { metrics, errors } = metricsOf(file);
    expect(metrics.map((m) => m.where)).toEqual(['p.yaml:4: metric 1 (lines_total)']);
    expect(errors.map((e) => e.message)).toEqual([
      'p.yaml:6: metric 2 (bytes_total): "field" must be a field name such as "http.response.body.bytes", got ["not","a","field"]',
    ]);
    expect(metricsOf(parsePipelineText('processors: []\nmetrics: 3\n', 'q.yaml')).errors[0]?.message).toBe(
      'q.yaml:2: "metrics" must be a list of metric declarations, got 3',
    );
    expect(metricsOf(parsePipelineText('processors: []\n', 'q.yaml'))).toEqual({ metrics: [], errors: [] });
  });
});

describe('metrics: the declared schema (logMetricSchema, read by core)', () => {
  it('names the label at fault inside labels, and carries the hints', () => {
    const errors = validateMetrics(
      [
        { name: 'a_total', type: 'counter', labels: { s: 3 } },
        { name: 'b_total', type: 'counter', labels: { s: 'a..b' } },
        { name: 'c_total', type: 'counter', labels: { s: { field: 'x', map: { a: [] } } } },
        { name: 'd_total', type: 'counter', labels: { s: { field: 'x', default: [] } } },
        {
          name: 'e_total',
          type: 'counter',
          labels: Object.fromEntries([...'abcdefghijk'].map((l) => [l, 'x'])),
        },
        { name: 'f_seconds', type: 'histogram', field: 'x', labels: { le: 'x' } },
        { name: 'g_total', type: 'counter', labels: [] },
        { name: 'h_total', type: 'counter', if: { field: 'x' } },
        { name: 'sluice_logs_i', type: 'counter' },
      ],
      where,
    ).errors.map((e) => [e.message, e.hint]);
    expect(errors).toEqual([
      [
        'p.yaml:4: metric 1 (a_total): "labels.s" must be a field name or { field, transform, map, default }, got 3',
        undefined,
      ],
      ['p.yaml:5: metric 2 (b_total): "labels.s" must be a field name, got "a..b"', undefined],
      [
        'p.yaml:6: metric 3 (c_total): "labels.s".map must map field values to label values, got {"a":[]}',
        undefined,
      ],
      ['p.yaml:7: metric 4 (d_total): "labels.s".default must be text, got []', undefined],
      [
        'p.yaml:8: metric 5 (e_total): "labels" may have at most 10 labels, got 11',
        'keep the label sets few: at most 10 labels',
      ],
      ['p.yaml:9: metric 6 (f_seconds): label name "le" is reserved for histogram buckets', undefined],
      [
        'p.yaml:10: metric 7 (g_total): "labels" must map label names to fields, got []',
        'for example: labels: { method: http.request.method, status_class: { field: http.response.status_code, transform: status_class } }',
      ],
      [
        'p.yaml:11: metric 8 (h_total): "if" with "field" needs exactly one of "equals", "matches", "in", got {"field":"x"}',
        'a condition is one of { field, equals }, { field, matches }, { field, in }, { exists }, { tag }, { not }, { all }, { any }',
      ],
      [
        'p.yaml:12: metric 9 (sluice_logs_i): "name" of a counter must end in _total, got "sluice_logs_i"',
        'for example sluice_logs_i_total',
      ],
    ]);
  });
});
