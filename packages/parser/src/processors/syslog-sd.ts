import { addTag, fieldPath, getField, type JsonObject, type JsonValue, setField } from '@sluice/core';
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

// SD-NAME: printable US-ASCII except '=', ' ', ']' and '"' (RFC 5424 section 6.3).
const isNameChar = (c: number) => c > 32 && c < 127 && c !== 61 && c !== 93 && c !== 34;

/** Sets an own property even for a name like `__proto__`, which comes from the data. */
function put(target: JsonObject, key: string, value: JsonValue): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

/** The structured data as objects, or undefined when the text is not well-formed. */
export function parseStructuredData(text: string): JsonObject | undefined {
  const out: JsonObject = {};
  let i = 0;
  const name = (): string | undefined => {
    const start = i;
    while (i < text.length && isNameChar(text.charCodeAt(i))) i++;
    return i > start ? text.slice(start, i) : undefined;
  };
  if (text.length === 0) return undefined;
  while (i < text.length) {
    if (text[i] !== '[') return undefined;
    i++;
    const id = name();
    if (id === undefined) return undefined;
    let params = (Object.hasOwn(out, id) ? out[id] : undefined) as JsonObject | undefined;
    if (params === undefined) {
      params = {};
      put(out, id, params);
    }
    while (text[i] === ' ') {
      i++;
      const param = name();
      if (param === undefined || text[i] !== '=' || text[i + 1] !== '"') return undefined;
      i += 2;
      let value = '';
      for (;;) {
        if (i >= text.length) return undefined;
        const ch = text[i] as string;
        if (ch === '"') break;
        if (ch === '\\' && (text[i + 1] === '"' || text[i + 1] === '\\' || text[i + 1] === ']')) {
          value += text[i + 1];
          i += 2;
          continue;
        }
        value += ch;
        i++;
      }
      i++;
      put(params, param, value);
    }
    if (text[i] !== ']') return undefined;
    i++;
  }
  return out;
}
