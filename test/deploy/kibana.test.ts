import { buildSavedObjects, DASHBOARD_ID, DATA_VIEW_ID, toNdjson } from '@sluice/cli';
import { describe, expect, it } from 'vitest';
import { readDeploy } from './support.js';

const ndjson = readDeploy('kibana/sluice.ndjson');
const objects = ndjson
  .trimEnd()
  .split('\n')
  .map(
    (line) =>
      JSON.parse(line) as {
        id: string;
        type: string;
        attributes: Record<string, unknown>;
        references: { id: string; name: string; type: string }[];
      },
  );

interface LensPanel {
  type: string;
  panelIndex: string;
  gridData: { i: string };
  title: string;
  embeddableConfig: {
    attributes: {
      visualizationType: string;
      references: { id: string; name: string; type: string }[];
      state: {
        datasourceStates: {
          formBased: {
            layers: Record<
              string,
              {
                columns: Record<string, { sourceField?: string; operationType: string }>;
                columnOrder: string[];
              }
            >;
          };
        };
      };
    };
  };
}

describe('deploy/kibana/sluice.ndjson', () => {
  it('is what `sluice kibana export` prints (regenerate it with that command after changing the objects)', () => {
    expect(ndjson).toBe(toNdjson(buildSavedObjects()));
  });

  it('holds a data view on logs-* with @timestamp and one dashboard, of types Kibana knows', () => {
    expect(objects.map((o) => `${o.type}:${o.id}`)).toEqual([
      `index-pattern:${DATA_VIEW_ID}`,
      `dashboard:${DASHBOARD_ID}`,
    ]);
    expect(objects[0]?.attributes).toMatchObject({ title: 'logs-*', timeFieldName: '@timestamp' });
    for (const o of objects) {
      expect(o).toHaveProperty('coreMigrationVersion');
      expect(o).toHaveProperty('typeMigrationVersion');
    }
  });

  const dashboard = objects[1];
  const panels = JSON.parse(String(dashboard?.attributes.panelsJSON)) as LensPanel[];

  it('answers the seed questions with Lens panels stored by value', () => {
    const fields = panels.flatMap((p) =>
      Object.values(p.embeddableConfig.attributes.state.datasourceStates.formBased.layers).flatMap((l) =>
        Object.values(l.columns).map((c) => c.sourceField),
      ),
    );
    expect(panels.map((p) => p.title)).toEqual(
      expect.arrayContaining([
        'Requests by status class over time',
        'Top requests',
        'Top client IPs',
        'Error percentage (5xx)',
        'Top user agents',
      ]),
    );
    expect(fields).toEqual(
      expect.arrayContaining(['@timestamp', 'url.original', 'source.address', 'user_agent.original']),
    );
    for (const p of panels) {
      expect(p.type).toBe('lens');
      expect(p.gridData.i).toBe(p.panelIndex);
      expect(['lnsXY', 'lnsDatatable', 'lnsMetric']).toContain(
        p.embeddableConfig.attributes.visualizationType,
      );
    }
  });

  it('every layer has its data view reference, on the panel and prefixed on the dashboard', () => {
    const dashboardRefs = new Set(dashboard?.references.map((r) => `${r.type}:${r.id}:${r.name}`));
    for (const p of panels) {
      const layers = Object.keys(p.embeddableConfig.attributes.state.datasourceStates.formBased.layers);
      for (const layer of layers) {
        const name = `indexpattern-datasource-layer-${layer}`;
        expect(p.embeddableConfig.attributes.references).toContainEqual({
          type: 'index-pattern',
          id: DATA_VIEW_ID,
          name,
        });
        expect(dashboardRefs.has(`index-pattern:${DATA_VIEW_ID}:${p.panelIndex}:${name}`), `${p.title}`).toBe(
          true,
        );
      }
    }
  });

  it('every column a layer lists exists, and formula helper columns are complete', () => {
    for (const p of panels) {
      for (const layer of Object.values(
        p.embeddableConfig.attributes.state.datasourceStates.formBased.layers,
      )) {
        expect(Object.keys(layer.columns).sort(), p.title).toEqual([...layer.columnOrder].sort());
      }
    }
  });

  it('--index-pattern retargets the data view only', () => {
    const [view, board] = buildSavedObjects('sluice-*');
    expect(view?.attributes.title).toBe('sluice-*');
    expect(board).toEqual(buildSavedObjects()[1]);
  });
});
