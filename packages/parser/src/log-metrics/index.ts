// Logs to metrics: counters and histograms declared in a pipeline file, evaluated in the workers.
export * from './config.js';
export * from './evaluator.js';
export * from './exporter.js';
