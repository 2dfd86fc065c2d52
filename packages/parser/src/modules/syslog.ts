import { finish } from './common.js';
import type { ModuleDefinition } from './types.js';

/** BSD syslog as syslogd writes it to files (RFC 3164, the `<PRI>` optional); the year is inferred. */
export const syslogRfc3164: ModuleDefinition = {
  name: 'syslog.rfc3164',
  description: 'BSD syslog (RFC 3164): "Mmm dd hh:mm:ss host program[pid]: message", <PRI> optional',
  steps: [
    { grok: { patterns: ['^%{SLUICE_SYSLOGLINE}'] } },
    ...finish('syslog.rfc3164', ['MMM  d HH:mm:ss', 'MMM dd HH:mm:ss']),
  ],
};

/** RFC 5424 syslog with structured data. */
export const syslogRfc5424: ModuleDefinition = {
  name: 'syslog.rfc5424',
  description: 'Syslog RFC 5424: "<PRI>1 timestamp host app procid msgid [structured data] message"',
  steps: [{ grok: { patterns: ['^%{SLUICE_SYSLOG5424LINE}'] } }, ...finish('syslog.rfc5424', ['ISO8601'])],
};
