// The package root names no backend's adapter, so importing it loads no broker client
// library; each backend's classes are at `@sluice/brokers/<kind>` (src/<kind>/client.ts).
export * from './descriptor.js';
export { EnvelopeReader } from './envelope-reader.js';
export * from './factory.js';
export * from './frame.js';
export * from './help.js';
export * from './metrics.js';
export * from './payloads.js';
export * from './registry.js';
export * from './tap.js';
export * from './types.js';
export * from './url.js';
export * from './wire.js';
