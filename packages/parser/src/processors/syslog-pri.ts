import { fieldPath, getField, setField } from '@sluice/core';
import { type Processor, type ProcessorFactory, withOptions } from '../processor.js';
import { OptionReader } from './options.js';

/** RFC 5424 section 6.2.1 names, as Logstash's syslog_pri filter labels them. */
export const LOGSTASH_FACILITY_LABELS: readonly string[] = [
  'kernel',
  'user-level',
  'mail',
  'daemon',
  'security/authorization',
  'syslogd',
  'line printer',
  'network news',
  'uucp',
  'clock',
  'security/authorization',
  'ftp',
  'ntp',
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

export const LOGSTASH_SEVERITY_LABELS: readonly string[] = [
  'emergency',
  'alert',
  'critical',
  'error',
  'warning',
  'notice',
  'informational',
  'debug',
];

/** The options it reads (its OptionReader's list, published in the pipeline JSON Schema). */
const SYSLOG_PRI_OPTIONS = [
  'field',
  'syslog_pri_field_name',
  'use_labels',
  'facility_labels',
  'severity_labels',
] as const;

/**
 * `syslog_pri`: decodes a syslog PRI number (`<13>` is facility 1, severity 5) into
 * `log.syslog.facility.code` / `.name` and `log.syslog.severity.code` / `.name`, like
 * Logstash's syslog_pri filter in ECS mode.
 *
 * Options:
 *   field            the PRI (a number, or a string of digits); default "log.syslog.priority"
 *                    (`syslog_pri_field_name` is accepted as its Logstash name)
 *   use_labels       also write the names; default true
 *   facility_labels  24 names indexed by facility code; default Logstash's
 *   severity_labels  8 names indexed by severity code; default Logstash's
 *
 * Unlike Logstash, an event without the field is left alone (Logstash assumes 13): a
 * line that carried no PRI should not claim a facility.
 */
export const syslogPri: ProcessorFactory = withOptions(SYSLOG_PRI_OPTIONS, (options, context): Processor => {
  const o = new OptionReader(options, context, SYSLOG_PRI_OPTIONS);
  if (o.has('field') && o.has('syslog_pri_field_name'))
    throw o.error('give "field" or "syslog_pri_field_name", not both');
  const source = fieldPath(
    o.has('syslog_pri_field_name')
      ? o.field('syslog_pri_field_name', 'log.syslog.priority')
      : o.field('field', 'log.syslog.priority'),
  );
  const useLabels = o.boolean('use_labels', true);
  const facilities = labels(o, 'facility_labels', LOGSTASH_FACILITY_LABELS);
  const severities = labels(o, 'severity_labels', LOGSTASH_SEVERITY_LABELS);

  return {
    name: 'syslog_pri',
    apply(event) {
      const raw = getField(event, source);
      const pri =
        typeof raw === 'number' ? raw : typeof raw === 'string' && /^\d{1,3}$/.test(raw) ? +raw : NaN;
      // RFC 5424 section 6.2.1: PRI is 0..191 (facility 0..23).
      if (!Number.isInteger(pri) || pri < 0 || pri > 191) return event;
      const facility = pri >> 3;
      const severity = pri & 7;
      setField(event, FACILITY_CODE, facility);
      setField(event, SEVERITY_CODE, severity);
      if (useLabels) {
        setField(event, FACILITY_NAME, facilities[facility] as string);
        setField(event, SEVERITY_NAME, severities[severity] as string);
      }
      return event;
    },
  };
});

const FACILITY_CODE = ['log', 'syslog', 'facility', 'code'];
const FACILITY_NAME = ['log', 'syslog', 'facility', 'name'];
const SEVERITY_CODE = ['log', 'syslog', 'severity', 'code'];
const SEVERITY_NAME = ['log', 'syslog', 'severity', 'name'];

function labels(o: OptionReader, key: string, fallback: readonly string[]): readonly string[] {
  const list = o.stringList(key);
  if (list === undefined) return fallback;
  if (list.length !== fallback.length)
    throw o.invalid(key, `a list of ${fallback.length} names, one per code`, list);
  return list;
}
