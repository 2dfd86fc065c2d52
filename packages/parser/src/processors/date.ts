import { addTag, fieldPath, getField, type JsonObject, type JsonValue, setField } from '@sluice/core';
import { type Processor, type ProcessorFactory, withOptions } from '../processor.js';
import {
  compileDateFormat,
  DateFormatError,
  type DateParser,
  isValidTimeZone,
  toIsoString,
} from './date-format.js';
import { isFieldPath, OptionReader } from './options.js';

export const DATE_FAILURE_TAG = '_dateparsefailure';

/** The options it reads (its OptionReader's list, published in the pipeline JSON Schema). */
const DATE_OPTIONS = ['field', 'formats', 'match', 'target', 'timezone', 'tag_on_failure'] as const;

/**
 * `date`: parses a timestamp field with several formats tried in order (first fit wins)
 * and writes it as ISO-8601 UTC (`2024-05-01T12:34:56.789Z`) to `target`.
 *
 * Options (Logstash's `match => [field, formats...]` is accepted too):
 *   field           field to read (required unless `match` is given)
 *   formats         non-empty list of formats, see date-format.ts (required unless `match`)
 *   match           [field, format, ...] as in Logstash
 *   target          where to write; default "@timestamp"
 *   timezone        zone for dates that carry no offset: IANA ("Europe/Berlin") or a fixed
 *                   offset ("+01:00"); default "UTC". `%{[event][timezone]}` reads it from
 *                   the event (as Logstash and Filebeat's modules do with the shipper's
 *                   zone); when that field is absent or not a zone, UTC applies
 *   tag_on_failure  tags added when no format fits; default ["_dateparsefailure"]
 *
 * A missing field is left alone (nothing to parse, no tag), like Logstash. Formats without
 * a year (syslog's `MMM dd HH:mm:ss`) take the most recent year that does not put the
 * date more than a day in the future (see inferYear in date-joda.ts).
 */
export const date: ProcessorFactory = withOptions(DATE_OPTIONS, (options, context): Processor => {
  const o = new OptionReader(options, context, DATE_OPTIONS);
  let field: string;
  let formats: string[];
  if (o.has('match')) {
    if (o.has('field') || o.has('formats'))
      throw o.error('give either "match" or "field" + "formats", not both');
    const match = o.stringList('match', { nonEmpty: true, what: 'a field then date formats' }) as string[];
    if (match.length < 2)
      throw o.invalid('match', 'a field followed by at least one date format', o.raw('match'));
    [field, ...formats] = match as [string, ...string[]];
  } else {
    field = o.requiredField('field');
    formats = o.stringList('formats', { nonEmpty: true, what: 'date formats' }) as string[];
  }
  const target = o.field('target', '@timestamp');
  const timezone = o.string('timezone', 'UTC');
  const zoneReference = /^%\{([^}]+)\}$/.exec(timezone)?.[1];
  if (zoneReference !== undefined && !isFieldPath(zoneReference))
    throw o.invalid('timezone', 'a time zone or a field reference such as "%{[event][timezone]}"', timezone);
  if (zoneReference === undefined && !isValidTimeZone(timezone)) {
    throw o.invalid(
      'timezone',
      'an IANA time zone such as "UTC" or "Europe/Berlin", or an offset such as "+01:00"',
      timezone,
    );
  }
  const tags = o.failureTags(DATE_FAILURE_TAG);
  const compile = (zone: string): DateParser[] =>
    formats.map((format) => {
      try {
        return compileDateFormat(
          format,
          context.now === undefined ? { timezone: zone } : { timezone: zone, now: context.now },
        );
      } catch (error) {
        if (error instanceof DateFormatError) throw o.error(`"formats": ${error.message}`);
        throw error;
      }
    });
  const fixed = compile(zoneReference === undefined ? timezone : 'UTC');
  // Per-event zones: parsers compiled once per zone seen, a bounded number of them.
  const zonePath = zoneReference === undefined ? undefined : fieldPath(zoneReference);
  const byZone = new Map<string, DateParser[]>();
  const parsersFor = (event: JsonObject): DateParser[] => {
    if (zonePath === undefined) return fixed;
    const zone = getField(event, zonePath);
    if (typeof zone !== 'string' || zone === 'UTC' || !isValidTimeZone(zone)) return fixed;
    let parsers = byZone.get(zone);
    if (parsers === undefined) {
      if (byZone.size >= 64) byZone.clear();
      parsers = compile(zone);
      byZone.set(zone, parsers);
    }
    return parsers;
  };
  const source = fieldPath(field);
  const dest = fieldPath(target);
  let lastMs = Number.NaN;
  let lastIso = '';

  return {
    name: 'date',
    apply(event) {
      const value: JsonValue | undefined = getField(event, source);
      if (value === undefined || value === null) return event;
      if (typeof value === 'string' || typeof value === 'number') {
        for (const parse of parsersFor(event)) {
          const ms = parse(value);
          if (ms !== undefined) {
            // Consecutive events mostly carry the same second (see compileJoda's memo).
            if (ms !== lastMs) {
              lastMs = ms;
              lastIso = toIsoString(ms);
            }
            setField(event, dest, lastIso);
            return event;
          }
        }
      }
      for (const tag of tags) addTag(event, tag);
      return event;
    },
  };
});
