export * from './budget.js';
export * from './runtime.js';
