// The processors other than grok, their registry, and the option reader they share.

export { DATE_FAILURE_TAG, date } from './date.js';
export { compileDateFormat, DateFormatError, type DateParseOptions, type DateParser } from './date-format.js';
export {
  DISSECT_FAILURE_TAG,
  type DissectKey,
  type DissectPattern,
  dissect,
  parseDissectPattern,
} from './dissect.js';
export { drop } from './drop.js';
export { describe as describeValue, isFieldPath, OptionReader } from './options.js';
export { knownProcessors, processorRegistry } from './registry.js';
