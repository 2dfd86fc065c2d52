/**
 * The Kibana saved objects Sluice ships: a data view on the indices Sluice writes and a
 * dashboard that answers the questions people ask first of web access logs. The dashboard's
 * panels are Lens visualisations stored by value (inside the dashboard), so the import is two
 * objects and nothing can go missing between them.
 *
 * Built in code rather than kept only as a file so `--index-pattern` can retarget them; the
 * committed deploy/kibana/sluice.ndjson is `sluice kibana export` and a test keeps the two equal.
 * Field names are ECS as the indexer's template maps them (keyword for url.original,
 * source.address and user_agent.original; long for http.response.status_code).
 *
 * Format: Kibana 8.x saved-object export (coreMigrationVersion 8.8.0). Kibana migrates objects
 * from their recorded versions on import, so 8.8 to 8.19 (and 9.x) accept them.
 */

export const DATA_VIEW_ID = 'sluice-logs';
export const DASHBOARD_ID = 'sluice-web-traffic';
export const DEFAULT_INDEX_PATTERN = 'logs-*';

export interface SavedObject {
  readonly id: string;
  readonly type: 'index-pattern' | 'dashboard';
  readonly attributes: Record<string, unknown>;
  readonly references: readonly { readonly id: string; readonly name: string; readonly type: string }[];
  readonly coreMigrationVersion: string;
  readonly typeMigrationVersion: string;
  readonly managed: boolean;
}

type Column = Record<string, unknown>;

const count = (label: string): Column => ({
  label,
  dataType: 'number',
  operationType: 'count',
  isBucketed: false,
  scale: 'ratio',
  sourceField: '___records___',
  params: { emptyAsNull: true },
  customLabel: true,
});

const dateHistogram = (): Column => ({
  label: '@timestamp',
  dataType: 'date',
  operationType: 'date_histogram',
  sourceField: '@timestamp',
  isBucketed: true,
  scale: 'interval',
  params: { interval: 'auto', includeEmptyRows: true, dropPartials: false },
});

const topValues = (field: string, size: number, orderByColumn: string): Column => ({
  label: `Top ${size} values of ${field}`,
  dataType: 'string',
  operationType: 'terms',
  scale: 'ordinal',
  sourceField: field,
  isBucketed: true,
  params: {
    size,
    orderBy: { type: 'column', columnId: orderByColumn },
    orderDirection: 'desc',
    otherBucket: false,
    missingBucket: false,
    parentFormat: { id: 'terms' },
    include: [],
    exclude: [],
    includeIsRegex: false,
    excludeIsRegex: false,
  },
});

const STATUS = 'http.response.status_code';
const kql = (query: string) => ({ query, language: 'kuery' });

const statusClasses = (): Column => ({
  label: 'Status class',
  dataType: 'string',
  operationType: 'filters',
  scale: 'ordinal',
  isBucketed: true,
  params: {
    filters: [
      { input: kql(`${STATUS} >= 200 and ${STATUS} < 300`), label: '2xx' },
      { input: kql(`${STATUS} >= 300 and ${STATUS} < 400`), label: '3xx' },
      { input: kql(`${STATUS} >= 400 and ${STATUS} < 500`), label: '4xx' },
      { input: kql(`${STATUS} >= 500`), label: '5xx' },
    ],
  },
});

/**
 * Lens stores a formula as the formula column plus the hidden columns it compiles to
 * (`<id>X0`, `<id>X1`: the two counts; `<id>X2`: their quotient), all in columnOrder.
 */
function errorPercentageColumns(id: string): { columns: Record<string, Column>; order: string[] } {
  const formula = `count(kql='${STATUS} >= 500') / count()`;
  const part = 'Part of Error percentage';
  return {
    columns: {
      [id]: {
        label: 'Error percentage (5xx)',
        dataType: 'number',
        operationType: 'formula',
        isBucketed: false,
        scale: 'ratio',
        params: { formula, isFormulaBroken: false, format: { id: 'percent', params: { decimals: 2 } } },
        references: [`${id}X2`],
        customLabel: true,
      },
      [`${id}X0`]: { ...count(part), params: { emptyAsNull: false }, filter: kql(`${STATUS} >= 500`) },
      [`${id}X1`]: { ...count(part), params: { emptyAsNull: false } },
      [`${id}X2`]: {
        label: part,
        dataType: 'number',
        operationType: 'math',
        isBucketed: false,
        scale: 'ratio',
        params: {
          tinymathAst: {
            type: 'function',
            name: 'divide',
            args: [`${id}X0`, `${id}X1`],
            location: { min: 0, max: formula.length },
            text: formula,
          },
        },
        references: [`${id}X0`, `${id}X1`],
        customLabel: true,
      },
    },
    order: [id, `${id}X0`, `${id}X1`, `${id}X2`],
  };
}

interface LensPanel {
  readonly id: string;
  readonly title: string;
  readonly grid: { x: number; y: number; w: number; h: number };
  readonly visualizationType: 'lnsXY' | 'lnsDatatable' | 'lnsMetric';
  readonly columns: Record<string, Column>;
  readonly columnOrder: string[];
  readonly visualization: Record<string, unknown>;
}

const layerRefName = (layerId: string) => `indexpattern-datasource-layer-${layerId}`;

function lensPanel(panel: LensPanel): Record<string, unknown> {
  const layerId = `${panel.id}-layer`;
  return {
    version: '8.8.0',
    type: 'lens',
    gridData: { ...panel.grid, i: panel.id },
    panelIndex: panel.id,
    embeddableConfig: {
      attributes: {
        title: panel.title,
        visualizationType: panel.visualizationType,
        type: 'lens',
        references: [{ type: 'index-pattern', id: DATA_VIEW_ID, name: layerRefName(layerId) }],
        state: {
          // XY charts name their layers inside `layers`; the other types name their one layer at the root.
          visualization:
            panel.visualizationType === 'lnsXY'
              ? panel.visualization
              : { layerId, layerType: 'data', ...panel.visualization },
          query: kql(''),
          filters: [],
          datasourceStates: {
            formBased: {
              layers: {
                [layerId]: { columns: panel.columns, columnOrder: panel.columnOrder, incompleteColumns: {} },
              },
            },
          },
          internalReferences: [],
          adHocDataViews: {},
        },
      },
      enhancements: {},
    },
    title: panel.title,
  };
}

function topTable(id: string, title: string, field: string, grid: LensPanel['grid']): LensPanel {
  const [term, requests] = [`${id}-term`, `${id}-count`];
  return {
    id,
    title,
    grid,
    visualizationType: 'lnsDatatable',
    columns: { [term]: topValues(field, 10, requests), [requests]: count('Requests') },
    columnOrder: [term, requests],
    visualization: {
      columns: [
        { columnId: term, isTransposed: false },
        { columnId: requests, isTransposed: false },
      ],
      sorting: { columnId: requests, direction: 'desc' },
    },
  };
}

function panels(): LensPanel[] {
  const err = errorPercentageColumns('error-rate-value');
  return [
    {
      id: 'requests-total',
      title: 'Requests',
      grid: { x: 0, y: 0, w: 12, h: 8 },
      visualizationType: 'lnsMetric',
      columns: { 'requests-total-count': count('Requests') },
      columnOrder: ['requests-total-count'],
      visualization: { metricAccessor: 'requests-total-count' },
    },
    {
      id: 'error-rate',
      title: 'Error percentage (5xx)',
      grid: { x: 12, y: 0, w: 12, h: 8 },
      visualizationType: 'lnsMetric',
      columns: err.columns,
      columnOrder: err.order,
      visualization: { metricAccessor: 'error-rate-value' },
    },
    {
      id: 'status-over-time',
      title: 'Requests by status class over time',
      grid: { x: 24, y: 0, w: 24, h: 16 },
      visualizationType: 'lnsXY',
      columns: {
        'status-time': dateHistogram(),
        'status-class': statusClasses(),
        'status-count': count('Requests'),
      },
      columnOrder: ['status-time', 'status-class', 'status-count'],
      visualization: {
        legend: { isVisible: true, position: 'right' },
        valueLabels: 'hide',
        preferredSeriesType: 'bar_stacked',
        layers: [
          {
            layerId: 'status-over-time-layer',
            layerType: 'data',
            seriesType: 'bar_stacked',
            xAccessor: 'status-time',
            splitAccessor: 'status-class',
            accessors: ['status-count'],
          },
        ],
      },
    },
    topTable('top-requests', 'Top requests', 'url.original', { x: 0, y: 8, w: 24, h: 16 }),
    topTable('top-clients', 'Top client IPs', 'source.address', { x: 24, y: 16, w: 24, h: 16 }),
    topTable('top-user-agents', 'Top user agents', 'user_agent.original', { x: 0, y: 24, w: 24, h: 16 }),
  ];
}

export function buildSavedObjects(indexPattern = DEFAULT_INDEX_PATTERN): SavedObject[] {
  const dataView: SavedObject = {
    id: DATA_VIEW_ID,
    type: 'index-pattern',
    attributes: {
      title: indexPattern,
      name: 'Sluice logs',
      timeFieldName: '@timestamp',
      allowNoIndex: true,
      fieldAttrs: '{}',
      fieldFormatMap: '{}',
      fields: '[]',
      runtimeFieldMap: '{}',
      sourceFilters: '[]',
      typeMeta: '{}',
    },
    references: [],
    coreMigrationVersion: '8.8.0',
    typeMigrationVersion: '8.0.0',
    managed: false,
  };
  const lens = panels();
  const dashboard: SavedObject = {
    id: DASHBOARD_ID,
    type: 'dashboard',
    attributes: {
      title: 'Sluice: web traffic',
      description:
        'Access logs indexed by Sluice: requests by status class, error percentage, top requests, clients and user agents.',
      panelsJSON: JSON.stringify(lens.map(lensPanel)),
      optionsJSON: JSON.stringify({
        useMargins: true,
        syncColors: false,
        syncCursor: true,
        syncTooltips: false,
        hidePanelTitles: false,
      }),
      timeRestore: true,
      timeFrom: 'now-24h',
      timeTo: 'now',
      refreshInterval: { pause: false, value: 30_000 },
      kibanaSavedObjectMeta: { searchSourceJSON: JSON.stringify({ query: kql(''), filter: [] }) },
      version: 1,
    },
    // A by-value Lens panel's data view reference is stored on the dashboard, prefixed with the
    // panel index; that is how Kibana finds (and on import remaps) the data view.
    references: lens.map((p) => ({
      type: 'index-pattern',
      id: DATA_VIEW_ID,
      name: `${p.id}:${layerRefName(`${p.id}-layer`)}`,
    })),
    coreMigrationVersion: '8.8.0',
    typeMigrationVersion: '8.7.0',
    managed: false,
  };
  return [dataView, dashboard];
}

/** One JSON object per line, as Kibana's export writes and its import reads. */
export function toNdjson(objects: readonly SavedObject[]): string {
  return `${objects.map((o) => JSON.stringify(o)).join('\n')}\n`;
}
