// The processors other than grok, their registry, and the option reader they share.

export { drop } from './drop.js';
export { describe as describeValue, isFieldPath, OptionReader } from './options.js';
export { knownProcessors, processorRegistry } from './registry.js';
