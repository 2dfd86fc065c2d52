// Pipelines as config: compile steps (with `if:` conditions) into one function per worker.
export * from './compile.js';
export * from './condition.js';
export * from './load.js';
export * from './schema.js';
