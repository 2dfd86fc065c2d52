import { createRequire } from 'node:module';
import { fieldPath, getField, type JsonObject, setField } from '@sluice/core';
import type { Processor, ProcessorFactory } from '../processor.js';
import { OptionReader } from './options.js';

/** The part of ua-parser-js (v1, MIT) this processor uses; the package ships no types. */
interface UaResult {
  browser: { name?: string; version?: string };
  os: { name?: string; version?: string };
  device: { vendor?: string; model?: string; type?: string };
}
type UaParserConstructor = new (ua: string) => { getResult(): UaResult };

let parserClass: UaParserConstructor | undefined;
function uaParser(): UaParserConstructor {
  // Loaded on first use so pipelines without user_agent never pay for it.
  parserClass ??= createRequire(import.meta.url)('ua-parser-js') as UaParserConstructor;
  return parserClass;
}

/**
 * `user_agent`: parses a User-Agent header into ECS fields with ua-parser-js.
 *
 * Options:
 *   field       default "user_agent.original"
 *   target      default "user_agent"; writes name, version, os.name, os.version,
 *               os.full, device.name (fields the parser does not know stay absent)
 *   cache_size  distinct UA strings remembered per worker; default 1000 (0 disables)
 *
 * Unknown agents (bots, curl) leave only what was recognised; this is not a failure
 * and adds no tag. `device.name` is "Other" when no device was recognised, like Beats.
 */
export const userAgent: ProcessorFactory = (options, context): Processor => {
  const o = new OptionReader(options, context, ['field', 'target', 'cache_size']);
  const source = fieldPath(o.field('field', 'user_agent.original'));
  const target = fieldPath(o.field('target', 'user_agent'));
  const cacheSize = o.number('cache_size', 1000, 0, 1_000_000);
  const Parser = uaParser();
  // UA strings repeat heavily in access logs; parsing one costs tens of microseconds.
  const cache = new Map<string, JsonObject>();

  return {
    name: 'user_agent',
    apply(event) {
      const ua = getField(event, source);
      if (typeof ua !== 'string' || ua === '' || ua === '-') return event;
      let fields = cache.get(ua);
      if (fields === undefined) {
        fields = toEcs(new Parser(ua).getResult());
        if (cacheSize > 0) {
          if (cache.size >= cacheSize) cache.clear();
          cache.set(ua, fields);
        }
      }
      for (const [key, value] of Object.entries(fields)) {
        setField(event, [...target, ...key.split('.')], value);
      }
      return event;
    },
  };
};

function toEcs(r: UaResult): JsonObject {
  const out: JsonObject = {};
  if (r.browser.name) out.name = r.browser.name;
  if (r.browser.version) out.version = r.browser.version;
  if (r.os.name) out['os.name'] = r.os.name;
  if (r.os.version) out['os.version'] = r.os.version;
  if (r.os.name) out['os.full'] = r.os.version ? `${r.os.name} ${r.os.version}` : r.os.name;
  const device = [r.device.vendor, r.device.model].filter(Boolean).join(' ');
  out['device.name'] = device || 'Other';
  return out;
}
