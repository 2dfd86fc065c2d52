// The processors other than grok, their registry, and the option reader they share.

export { clientIp, NON_PUBLIC_RANGES } from './client-ip.js';
export { DATE_FAILURE_TAG, date } from './date.js';
export {
  compileDateFormat,
  DateFormatError,
  type DateParseOptions,
  type DateParser,
  toIsoString,
} from './date-format.js';
export {
  DISSECT_FAILURE_TAG,
  type DissectKey,
  type DissectPattern,
  dissect,
  parseDissectPattern,
} from './dissect.js';
export { drop } from './drop.js';
export { canonicalJson, fingerprint, murmur3 } from './fingerprint.js';
export { geoip } from './geoip.js';
export { JSON_FAILURE_TAG, json } from './json.js';
export { kv, scanPairs } from './kv.js';
export { compileTemplate, MUTATE_FAILURE_TAG, mutate } from './mutate.js';
export { describe as describeValue, isFieldPath, OptionReader } from './options.js';
export {
  compileRedactor,
  DETECTOR_NAMES,
  type DetectorName,
  isCardNumber,
  luhnValid,
  type Replacer,
  redact,
} from './redact.js';
export { knownProcessors, processorRegistry } from './registry.js';
export { LOGSTASH_FACILITY_LABELS, LOGSTASH_SEVERITY_LABELS, syslogPri } from './syslog-pri.js';
export { SYSLOG_SD_FAILURE_TAG, syslogSd } from './syslog-sd.js';
export { parseUri, URI_PARTS_FAILURE_TAG, type UriParts, uriParts } from './uri-parts.js';
export { userAgent } from './user-agent.js';
