/**
 * What the `sluice` package offers to code other than the command itself: the local stack
 * (`sluice stack`), which the integration tests and benchmarks start the same way, and the
 * metrics `sluice top` reads, which the deploy tests check against the dashboards, and the
 * Kibana saved objects `sluice kibana` imports, which the deploy tests compare with deploy/kibana. The
 * command line is the user-facing contract; this index is the one for the repository's tests.
 */

export { buildSavedObjects, DASHBOARD_ID, DATA_VIEW_ID, toNdjson } from './kibana/saved-objects.js';
export * from './stack/index.js';
export { ROWS as TOP_ROWS, type RowSpec as TopRowSpec } from './top/view.js';
