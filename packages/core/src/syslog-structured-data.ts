import type { JsonObject, JsonValue } from './event.js';

// SD-NAME: printable US-ASCII except '=', ' ', ']' and '"' (RFC 5424 section 6.3).
const isNameChar = (c: number) => c > 32 && c < 127 && c !== 61 && c !== 93 && c !== 34;

/** Sets an own property even for a name like `__proto__`, which comes from the data. */
function put(target: JsonObject, key: string, value: JsonValue): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

/**
 * RFC 5424 STRUCTURED-DATA (`[id param="value" ...][id2 ...]`) as one object per SD-ID
 * holding its parameters, the shape Filebeat's syslog parser gives
 * `log.syslog.structured_data`. Shared by the parser's `syslog_sd` processor and the
 * shipper's syslog inputs, so a field written by either maps the same way in Elasticsearch.
 *
 * Values are unescaped (`\"`, `\\`, `\]`; a backslash before anything else stays, as the
 * RFC says). An SD-ID that appears twice merges its parameters. Names and values stay
 * strings, written as literal keys (a dotted SD-ID is one key, not a path).
 *
 * Returns undefined when the text is not well-formed.
 */
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
