import { createHash, createHmac } from 'node:crypto';
import { fieldPath, getField, type JsonValue, setField } from '@sluice/core';
import { type Processor, type ProcessorFactory, withOptions } from '../processor.js';
import { OptionReader } from './options.js';

/** The options it reads (its OptionReader's list, published in the pipeline JSON Schema). */
const FINGERPRINT_OPTIONS = ['fields', 'target', 'method', 'secret', 'encoding'] as const;

/**
 * `fingerprint`: a stable id from chosen fields (for deduplication, or as a document id).
 *
 * Options:
 *   fields    non-empty list of fields, hashed in the order given (required)
 *   target    default "event.hash"
 *   method    sha256 (default), sha1, sha512, md5, murmur3 (32-bit, hex, not cryptographic)
 *   secret    optional HMAC key for the sha/md5 methods (so ids cannot be guessed from values)
 *   encoding  hex (default) or base64 (sha/md5 methods)
 *
 * The hashed text is deterministic across runs and machines: for each field in order,
 * its name and its value as canonical JSON (object keys sorted), one per line; an absent
 * field is written as absent, so {a: "x"} and {b: "x"} differ. When none of the fields
 * is present nothing is written (there is nothing to identify).
 */
export const fingerprint: ProcessorFactory = withOptions(
  FINGERPRINT_OPTIONS,
  (options, context): Processor => {
    const o = new OptionReader(options, context, FINGERPRINT_OPTIONS);
    const fields = o.fieldList('fields', { nonEmpty: true }) as string[];
    const target = fieldPath(o.field('target', 'event.hash'));
    const method = o.oneOf('method', ['sha256', 'sha1', 'sha512', 'md5', 'murmur3'] as const, 'sha256');
    const secret = o.string('secret');
    if (secret !== undefined && method === 'murmur3')
      throw o.error('"secret" needs a cryptographic method (sha256, sha1, sha512, md5), not murmur3');
    if (secret === '') throw o.invalid('secret', 'a non-empty string', secret);
    const encoding = o.oneOf('encoding', ['hex', 'base64'] as const, 'hex');
    if (encoding === 'base64' && method === 'murmur3')
      throw o.error('"encoding" base64 needs a sha/md5 method; murmur3 is hex');
    const paths = fields.map((f) => fieldPath(f));
    const names = fields.map((f) => JSON.stringify(f));
    const digest =
      method === 'murmur3'
        ? (text: string) => murmur3(text).toString(16).padStart(8, '0')
        : secret !== undefined
          ? (text: string) => createHmac(method, secret).update(text).digest(encoding)
          : (text: string) => createHash(method).update(text).digest(encoding);

    return {
      name: 'fingerprint',
      apply(event) {
        let text = '';
        let present = 0;
        for (let i = 0; i < paths.length; i++) {
          const value = getField(event, paths[i] as string[]);
          if (value !== undefined) present++;
          text += `${names[i]}:${value === undefined ? '-' : canonicalJson(value)}\n`;
        }
        if (present > 0) setField(event, target, digest(text));
        return event;
      },
    };
  },
);

/** JSON with object keys sorted, so equal values always give equal text. */
export function canonicalJson(value: JsonValue): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const keys = Object.keys(value).sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(value[k] as JsonValue)}`).join(',')}}`;
}

/** MurmurHash3 x86 32-bit of the UTF-8 bytes, seed 0. */
export function murmur3(text: string, seed = 0): number {
  const bytes = Buffer.from(text, 'utf8');
  const len = bytes.length;
  let h = seed >>> 0;
  const c1 = 0xcc9e2d51;
  const c2 = 0x1b873593;
  let i = 0;
  for (; i + 4 <= len; i += 4) {
    let k =
      (bytes[i] as number) |
      ((bytes[i + 1] as number) << 8) |
      ((bytes[i + 2] as number) << 16) |
      ((bytes[i + 3] as number) << 24);
    k = Math.imul(k, c1);
    k = (k << 15) | (k >>> 17);
    k = Math.imul(k, c2);
    h ^= k;
    h = (h << 13) | (h >>> 19);
    h = (Math.imul(h, 5) + 0xe6546b64) | 0;
  }
  const tail = len & 3;
  if (tail > 0) {
    let k = 0;
    if (tail === 3) k ^= (bytes[i + 2] as number) << 16;
    if (tail >= 2) k ^= (bytes[i + 1] as number) << 8;
    k ^= bytes[i] as number;
    k = Math.imul(k, c1);
    k = (k << 15) | (k >>> 17);
    k = Math.imul(k, c2);
    h ^= k;
  }
  h ^= len;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}
