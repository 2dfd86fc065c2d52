import type { ProcessorSpec } from '../pipeline/compile.js';
import { finish, relatedHost } from './common.js';
import type { ModuleDefinition, MultilineRule } from './types.js';

/** The labels Filebeat's syslog parser gives facility and severity codes (log.syslog.*.name). */
export const FILEBEAT_FACILITY_LABELS = [
  'kernel',
  'user-level',
  'mail',
  'system',
  'security/authorization',
  'syslogd',
  'line printer',
  'network news',
  'UUCP',
  'clock',
  'security/authorization',
  'FTP',
  'NTP',
  'log audit',
  'log alert',
  'clock',
  'local0',
  'local1',
  'local2',
  'local3',
  'local4',
  'local5',
  'local6',
  'local7',
];
export const FILEBEAT_SEVERITY_LABELS = [
  'Emergency',
  'Alert',
  'Critical',
  'Error',
  'Warning',
  'Notice',
  'Informational',
  'Debug',
];

/** `<PRI>` decoded into log.syslog.facility.* and log.syslog.severity.*, with Filebeat's labels. */
export const decodePri: ProcessorSpec = {
  syslog_pri: { facility_labels: FILEBEAT_FACILITY_LABELS, severity_labels: FILEBEAT_SEVERITY_LABELS },
  if: { exists: 'log.syslog.priority' },
};

/**
 * Syslog times carry no zone: they are read in `event.timezone` when the shipper sets it
 * (Filebeat's add_locale does; in the Sluice shipper config
 * `fields: { event: { timezone: "+01:00" } }`), else UTC.
 */
export const SHIPPER_ZONE = '%{[event][timezone]}';

/**
 * A line that starts with blank space continues the previous event (macOS writes
 * multi-line messages with tab-indented continuation lines); Filebeat's system module
 * reads its files with the same rule (`multiline.pattern: ^\s`, `match: after`).
 */
export const syslogMultiline: MultilineRule = { startPattern: String.raw`^\S` };

/**
 * BSD syslog as syslogd and rsyslog write it to files (RFC 3164; Debian/Ubuntu, RHEL,
 * SUSE's ISO 8601 timestamps, macOS, BusyBox), the `<PRI>` optional. The fields are those
 * of Filebeat's system/syslog module: host.hostname, process.name, process.pid, message,
 * @timestamp (the year inferred), plus log.syslog.* when the line carries a priority.
 */
export const syslogRfc3164: ModuleDefinition = {
  name: 'syslog.rfc3164',
  description: 'BSD syslog (RFC 3164): "Mmm dd hh:mm:ss host program[pid]: message", <PRI> optional',
  steps: [
    { grok: { patterns: ['^%{SLUICE_SYSLOGLINE}', '^%{SLUICE_SYSLOGBARELINE}'] } },
    decodePri,
    ...relatedHost,
    ...finish(
      'syslog.rfc3164',
      ['MMM  d HH:mm:ss', 'MMM dd HH:mm:ss', 'MMM d HH:mm:ss', 'ISO8601'],
      SHIPPER_ZONE,
    ),
  ],
  multiline: syslogMultiline,
};

/**
 * RFC 5424 syslog, with the fields of Filebeat's syslog parser (log.syslog.priority,
 * facility, severity, hostname, appname, procid, msgid, version, structured_data as one
 * object per SD-ID), plus the ECS host.hostname, process.name and process.pid.
 */
export const syslogRfc5424: ModuleDefinition = {
  name: 'syslog.rfc5424',
  description: 'Syslog RFC 5424: "<PRI>1 timestamp host app procid msgid [structured data] message"',
  steps: [
    { grok: { patterns: ['^%{SLUICE_SYSLOG5424LINE}'] } },
    decodePri,
    { syslog_sd: {}, if: { exists: 'log.syslog.structured_data' } },
    // Filebeat reports a PROCID only as the process of an APP-NAME.
    {
      mutate: { remove: ['log.syslog.procid'] },
      if: { all: [{ exists: 'log.syslog.procid' }, { not: { exists: 'log.syslog.appname' } }] },
    },
    { mutate: { copy: { 'log.syslog.hostname': 'host.hostname', 'log.syslog.appname': 'process.name' } } },
    // A PROCID that is not a number (a thread or job name) is no pid.
    {
      mutate: [{ copy: { 'log.syslog.procid': 'process.pid' } }, { convert: { 'process.pid': 'int' } }],
      if: { field: 'log.syslog.procid', matches: '^[1-9][0-9]{0,9}$' },
    },
    ...finish('syslog.rfc5424', ['ISO8601']),
  ],
};
