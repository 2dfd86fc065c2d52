import { addTag, fieldPath, getField, parseStructuredData, setField } from '@sluice/core';
import { type Processor, type ProcessorFactory, withOptions } from '../processor.js';
import { OptionReader } from './options.js';

export const SYSLOG_SD_FAILURE_TAG = '_syslogsdparsefailure';

/** The options it reads (its OptionReader's list, published in the pipeline JSON Schema). */
const SYSLOG_SD_OPTIONS = ['field', 'target', 'tag_on_failure'] as const;

/**
 * `syslog_sd`: parses RFC 5424 STRUCTURED-DATA (`[id param="value" ...][id2 ...]`) into
 * one object per SD-ID holding its parameters, the shape Filebeat's syslog parser gives
 * `log.syslog.structured_data`:
 *
 *   [exampleSDID@32473 iut="3" eventSource="App"][meta seq="1"]
 *   -> { "exampleSDID@32473": { iut: "3", eventSource: "App" }, meta: { seq: "1" } }
 *
 * Values are unescaped (`\"`, `\\`, `\]`; a backslash before anything else stays, as the
 * RFC says). An SD-ID that appears twice merges its parameters. Names and values stay
 * strings, written as literal keys (a dotted SD-ID is one key, not a path).
 *
 * Options:
 *   field           the structured-data string; default "log.syslog.structured_data"
 *   target          where the object goes; default: the same field (the string is replaced)
 *   tag_on_failure  tags when the text is not well-formed structured data (it is then
 *                   left as it was); default ["_syslogsdparsefailure"]
 */
export const syslogSd: ProcessorFactory = withOptions(SYSLOG_SD_OPTIONS, (options, context): Processor => {
  const o = new OptionReader(options, context, SYSLOG_SD_OPTIONS);
  const field = o.field('field', 'log.syslog.structured_data');
  const source = fieldPath(field);
  const target = fieldPath(o.field('target', field));
  const tags = o.failureTags(SYSLOG_SD_FAILURE_TAG);
  return {
    name: 'syslog_sd',
    apply(event) {
      const text = getField(event, source);
      if (typeof text !== 'string') return event;
      const parsed = parseStructuredData(text);
      if (parsed === undefined) {
        for (const tag of tags) addTag(event, tag);
        return event;
      }
      setField(event, target, parsed);
      return event;
    },
  };
});
