import { describe, expect, it } from 'vitest';
import { KNOWN_METRICS, promqlMetricNames, readDeploy, yamlDocument } from './support.js';

interface Panel {
  type: string;
  title: string;
  datasource?: { uid: string };
  targets?: { expr: string; refId: string }[];
  gridPos: { x: number; y: number; w: number; h: number };
}

const dashboard = JSON.parse(readDeploy('grafana/dashboards/sluice.json')) as {
  uid: string;
  panels: Panel[];
  templating: { list: { name: string; type: string; query: string }[] };
};
const graphs = dashboard.panels.filter((p) => p.type !== 'row');
const exprs = graphs.flatMap((p) => (p.targets ?? []).map((t) => ({ panel: p.title, expr: t.expr })));

describe('Grafana dashboard', () => {
  it('has the panels an SRE scales and debugs with', () => {
    const titles = graphs.map((p) => p.title).join('\n');
    for (const want of [
      /lag/i,
      /throughput per stage/i,
      /in-flight/i,
      /bulk request latency/i,
      /end-to-end/i,
      /parse/i,
      /dead letters/i,
      /CPU/,
      /memory/i,
    ]) {
      expect(titles).toMatch(want);
    }
  });

  it('uses only metric names Sluice exports, in PromQL that parses', () => {
    const unknown = exprs.flatMap(({ panel, expr }) =>
      promqlMetricNames(expr)
        .filter((n) => !KNOWN_METRICS.has(n))
        .map((n) => `${panel}: ${n}`),
    );
    expect(unknown).toEqual([]);
    expect(exprs.length).toBeGreaterThan(20);
  });

  it('shows bulk and end-to-end latency as p50, p95 and p99', () => {
    for (const metric of [
      'sluice_indexer_bulk_duration_seconds_bucket',
      'sluice_consumer_end_to_end_seconds_bucket',
    ]) {
      const quantiles = exprs
        .filter((e) => e.expr.includes(metric))
        .map((e) => /histogram_quantile\(([\d.]+)/.exec(e.expr)?.[1]);
      expect(quantiles).toEqual(['0.5', '0.95', '0.99']);
    }
  });

  it('every panel reads the provisioned Prometheus through the datasource variable', () => {
    const provisioned = yamlDocument('grafana/provisioning/datasources/prometheus.yaml') as {
      datasources: { uid: string; type: string }[];
    };
    expect(provisioned.datasources[0]).toMatchObject({ uid: 'prometheus', type: 'prometheus' });
    expect(dashboard.templating.list).toContainEqual(
      expect.objectContaining({ name: 'datasource', type: 'datasource', query: 'prometheus' }),
    );
    const variable = ['$', '{datasource}'].join(''); // Grafana's syntax, not a template literal
    for (const p of graphs) expect(p.datasource?.uid, p.title).toBe(variable);
  });

  it('panels stay inside the 24-column grid and do not overlap', () => {
    const cells = new Set<string>();
    for (const p of dashboard.panels) {
      const { x, y, w, h } = p.gridPos;
      expect(x + w, p.title).toBeLessThanOrEqual(24);
      for (let i = x; i < x + w; i++)
        for (let j = y; j < y + h; j++) {
          const cell = `${i},${j}`;
          expect(cells.has(cell), `${p.title} overlaps at ${cell}`).toBe(false);
          cells.add(cell);
        }
    }
  });
});

describe('the PromQL checker', () => {
  it('finds metric names, and refuses broken PromQL and name-less selectors', () => {
    expect(promqlMetricNames('sum by (le) (rate(sluice_x_bucket[$__rate_interval])) / on() up')).toEqual([
      'sluice_x_bucket',
      'up',
    ]);
    expect(() => promqlMetricNames('sum(rate(sluice_x[5m])')).toThrow(/PromQL syntax error/);
    expect(() => promqlMetricNames('{__name__=~"sluice_.*"}')).toThrow(/without a metric name/);
  });
});
