import { createHmac } from 'node:crypto';
import { isIPv6 } from 'node:net';
import { fieldPath, getField, type JsonObject, type JsonValue, setField } from '@sluice/core';
import { type Processor, type ProcessorFactory, withOptions } from '../processor.js';
import { OptionReader } from './options.js';

/** The options it reads (its OptionReader's list, published in the pipeline JSON Schema). */
const REDACT_OPTIONS = ['fields', 'detectors', 'mask_fields', 'mode', 'hash_secret'] as const;

/**
 * `redact`: masks sensitive data before it is stored.
 *
 * Options:
 *   fields       text fields scanned by the detectors; default ["message"] (lists of
 *                strings are scanned element by element)
 *   detectors    which detectors run; default all, in this order:
 *                  url_credentials  `scheme://user:SECRET@host` (the password only)
 *                  authorization    `Authorization: Bearer|Basic|Token|Digest SECRET`,
 *                                   `authorization=SECRET`, a bare `Bearer SECRET`
 *                  jwt              `eyJ...` JSON web tokens anywhere
 *                  secret_kv        the value after password / passwd / pwd / secret /
 *                                   token / api_key / access_key / private_key /
 *                                   credential(s) keys, also with prefixes (`db.password`)
 *                                   and in JSON (`"password": "x"`) or queries (`?token=x`)
 *                  email            e-mail addresses
 *                  ipv6             IPv6 addresses (validated by node:net)
 *                  ipv4             IPv4 addresses (octets 0-255)
 *                  credit_card      13-19 digits, optionally grouped by spaces or dashes,
 *                                   first digit 2-6 and a valid Luhn check digit (so most
 *                                   order ids and timestamps survive)
 *   mask_fields  fields replaced whole (any value type), e.g. ["user.password"]
 *   mode         "mask" (default): `[REDACTED:email]`; "hash": `[email:<16 hex>]`, an
 *                HMAC-SHA256 of the original with `hash_secret`, so equal values stay
 *                correlatable without being readable
 *   hash_secret  required for mode "hash" (at least 16 characters): an unkeyed hash of an
 *                IPv4 address or a card number is reversed by trying every value
 *
 * Redaction never fails and adds no tag. All detectors run in linear time in the length
 * of the text (no pattern can backtrack across a long line).
 */
export const redact: ProcessorFactory = withOptions(REDACT_OPTIONS, (options, context): Processor => {
  const o = new OptionReader(options, context, REDACT_OPTIONS);
  const fields = (o.fieldList('fields') ?? ['message']).map((f) => fieldPath(f));
  const detectorNames = o.stringList('detectors', { what: 'detector names' }) ?? [...DETECTOR_NAMES];
  const unknown = detectorNames.find((d) => !(DETECTOR_NAMES as readonly string[]).includes(d));
  if (unknown !== undefined)
    throw o.invalid('detectors', `a list of ${DETECTOR_NAMES.join(', ')}`, o.raw('detectors'));
  const maskFields = (o.fieldList('mask_fields') ?? []).map((f) => fieldPath(f));
  const mode = o.oneOf('mode', ['mask', 'hash'] as const, 'mask');
  const secret = o.string('hash_secret');
  if (mode === 'hash' && (secret === undefined || secret.length < 16)) {
    throw o.error(
      '"hash_secret" must be at least 16 characters when mode is "hash"',
      'an unkeyed hash of an IP address or card number can be reversed by brute force',
    );
  }
  if (mode === 'mask' && secret !== undefined) throw o.error('"hash_secret" is only used with mode "hash"');
  const replace: Replacer =
    mode === 'hash'
      ? (kind, original) =>
          `[${kind}:${createHmac('sha256', secret as string)
            .update(original)
            .digest('hex')
            .slice(0, 16)}]`
      : (kind) => `[REDACTED:${kind}]`;
  const redactText = compileRedactor(detectorNames as DetectorName[], replace);

  return {
    name: 'redact',
    apply(event) {
      for (const path of maskFields) {
        const value = getField(event, path);
        if (value !== undefined && value !== null) setField(event, path, replace('field', wholeValue(value)));
      }
      for (const path of fields) {
        const value = getField(event, path);
        if (typeof value === 'string') {
          const out = redactText(value);
          if (out !== value) setField(event, path, out);
        } else if (Array.isArray(value)) {
          setField(
            event,
            path,
            value.map((v) => (typeof v === 'string' ? redactText(v) : v)),
          );
        }
      }
      return event;
    },
  };
});

export const DETECTOR_NAMES = [
  'url_credentials',
  'authorization',
  'jwt',
  'secret_kv',
  'email',
  'ipv6',
  'ipv4',
  'credit_card',
] as const;
export type DetectorName = (typeof DETECTOR_NAMES)[number];

/** Builds the replacement for one sensitive value of a kind (`email`, `ip`, ...). */
export type Replacer = (kind: string, original: string) => string;

function wholeValue(value: JsonValue): string {
  return typeof value === 'string' ? value : JSON.stringify(value as JsonObject);
}

type Detector = (text: string, replace: Replacer) => string;

// Every regex below is either anchored on a literal keyword or has only bounded
// repetition before its first literal, so a 1 MiB line costs linear time.
const URL_CREDENTIALS = /([a-z][a-z0-9+.-]{0,20}:\/\/[^:@/\s]{0,256}:)([^@/\s]{1,256})@/gi;
const AUTHORIZATION =
  /(\b(?:proxy-)?authorization["']?\s{0,8}[:=]\s{0,8}["']?(?:(?:bearer|basic|token|digest|negotiate)\s{1,8})?)([^\s"',;]{1,4096})/gi;
const BEARER = /(\bbearer\s{1,8})([A-Za-z0-9\-._~+/]{8,4096}=*)/gi;
const JWT = /\beyJ[A-Za-z0-9_-]{4,8192}\.[A-Za-z0-9_-]{4,8192}\.[A-Za-z0-9_-]{0,8192}/g;
const SECRET_KV =
  // No prefix is needed in the match: `db.password=` and `user_password=` match at the keyword.
  /((?:password|passwd|pwd|secret|token|api[_-]?key|apikey|access[_-]?key|private[_-]?key|credentials?)["']?\s{0,8}[:=]\s{0,8}["']?)([^\s"'&,;]{1,4096})/gi;
// Not inside a word or a dotted run, and not a product version (`Chrome/120.0.0.0` in
// User-Agents); `http://1.2.3.4/` still counts.
const IPV4 = /(?<![\w.]|\w\/)(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})(?!\.?\d)/g;
// Bounded by non-word characters so `Controller::Base` is not read as the address `::ba`.
const CARD = /(?<![\d])\d(?:[ -]?\d){12,18}(?!\d)/g;

const DETECTORS: Readonly<Record<DetectorName, Detector>> = {
  url_credentials: (text, r) =>
    text.includes('://')
      ? text.replace(URL_CREDENTIALS, (_m, head: string, pass: string) => `${head}${r('secret', pass)}@`)
      : text,
  authorization: (text, r) => {
    let out = text.replace(AUTHORIZATION, (_m, head: string, cred: string) => `${head}${r('secret', cred)}`);
    out = out.replace(BEARER, (m, head: string, token: string) =>
      token.startsWith('[') ? m : `${head}${r('secret', token)}`,
    );
    return out;
  },
  jwt: (text, r) => (text.includes('eyJ') ? text.replace(JWT, (m) => r('secret', m)) : text),
  secret_kv: (text, r) =>
    text.replace(SECRET_KV, (m, head: string, value: string) =>
      value.startsWith('[') ? m : `${head}${r('secret', value)}`,
    ),
  email: redactEmails,
  ipv6: redactIpv6,
  ipv4: (text, r) =>
    text.replace(IPV4, (m, a: string, b: string, c: string, d: string) =>
      +a <= 255 && +b <= 255 && +c <= 255 && +d <= 255 ? r('ip', m) : m,
    ),
  credit_card: (text, r) => text.replace(CARD, (m) => redactCardRun(m, r)),
};

/** Composes the chosen detectors, in the fixed order of DETECTOR_NAMES. */
export function compileRedactor(names: readonly DetectorName[], replace: Replacer): (text: string) => string {
  const chosen = DETECTOR_NAMES.filter((n) => names.includes(n)).map((n) => DETECTORS[n]);
  return (text) => {
    let out = text;
    for (const detector of chosen) out = detector(out, replace);
    return out;
  };
}

const isAddressChar = (c: number) =>
  (c >= 48 && c <= 58) /* 0-9 : */ || (c >= 65 && c <= 70) || (c >= 97 && c <= 102) || c === 46; /* . */
const isWordChar = (c: number) =>
  (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;

/**
 * IPv6 addresses, found from each colon outwards: the run of hex digits, colons, dots
 * (an embedded IPv4) and `%` (a zone) around it, not touching a word character (so
 * `Controller::Base` stays), validated by node:net. Each character is visited a bounded
 * number of times, so the cost is linear and proportional to the colons in the text.
 */
function redactIpv6(text: string, replace: Replacer): string {
  let colon = text.indexOf(':');
  if (colon < 0) return text;
  let out = '';
  let copied = 0;
  while (colon >= 0) {
    let start = colon;
    while (start > copied && isAddressChar(text.charCodeAt(start - 1))) start--;
    let end = colon + 1;
    while (end < text.length && isAddressChar(text.charCodeAt(end))) end++;
    // A zone (`fe80::1%eth0`) is part of the address's boundary but is kept visible.
    let after = end;
    if (text.charCodeAt(after) === 37 /* % */) {
      after++;
      while (after < text.length && (isWordChar(text.charCodeAt(after)) || text.charCodeAt(after) === 46))
        after++;
    }
    const bounded =
      (start === 0 || !isWordChar(text.charCodeAt(start - 1))) &&
      (after === text.length || !isWordChar(text.charCodeAt(after)));
    if (bounded && end - start <= 64 && mayBeIpv6(text, start, end)) {
      const run = text.slice(start, end);
      // Trailing colons and dots are punctuation ("at fe80::1." or "addr ::1:") unless they are the address ("::").
      const address = isIPv6(run) ? run : run.replace(/[:.]+$/, '');
      if (address !== '' && isIPv6(address)) {
        out += text.slice(copied, start) + replace('ip', address);
        copied = start + address.length;
      }
    }
    colon = text.indexOf(':', Math.max(end, copied));
  }
  return out + text.slice(copied);
}

/** Cheap shape test before node:net: an IPv6 address has `::` or at least 6 colons (7, or 6 + an IPv4). */
function mayBeIpv6(text: string, start: number, end: number): boolean {
  let colons = 0;
  for (let i = start; i < end; i++) {
    if (text.charCodeAt(i) === 58) {
      if (text.charCodeAt(i + 1) === 58) return true;
      colons++;
    }
  }
  return colons >= 6;
}

const LOCAL_CHAR = /[A-Za-z0-9._%+-]/;
const DOMAIN_CHAR = /[A-Za-z0-9.-]/;

/**
 * E-mail addresses, found from each `@` outwards instead of by one regex: a regex that
 * starts with `[local-part chars]+@` rescans a long run of letters from every position
 * (quadratic on a 1 MiB line without an `@`).
 */
function redactEmails(text: string, replace: Replacer): string {
  let at = text.indexOf('@');
  if (at < 0) return text;
  let out = '';
  let copied = 0;
  while (at >= 0) {
    let start = at;
    while (start > copied && LOCAL_CHAR.test(text[start - 1] as string)) start--;
    let end = at + 1;
    while (end < text.length && DOMAIN_CHAR.test(text[end] as string)) end++;
    // The domain must end with a dot and a 2+ letter label; trailing dots/hyphens are punctuation.
    while (end > at + 1 && /[.-]/.test(text[end - 1] as string)) end--;
    const domain = text.slice(at + 1, end);
    const local = text.slice(start, at);
    if (
      local !== '' &&
      domain.includes('.') &&
      /^[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,63}$/.test(domain)
    ) {
      out += text.slice(copied, start) + replace('email', text.slice(start, end));
      copied = end;
      at = text.indexOf('@', end);
    } else {
      at = text.indexOf('@', at + 1);
    }
  }
  return out + text.slice(copied);
}

/**
 * A run of 13-19 digits (groups separated by single spaces or dashes). The whole run is
 * a card when it passes Luhn; otherwise any group-aligned window of 13-19 digits inside
 * it that passes is masked (a card followed by a short number: "4111... 5").
 */
function redactCardRun(run: string, replace: Replacer): string {
  const digits = run.replace(/[ -]/g, '');
  if (isCardNumber(digits)) return replace('card', run);
  // Group boundaries: indexes into `run` where a group starts / ends.
  const groups: [number, number][] = [];
  const re = /\d+/g;
  for (let m = re.exec(run); m !== null; m = re.exec(run)) groups.push([m.index, m.index + m[0].length]);
  // Real card layouts have at most 5 groups (4-4-4-4-3); more groups (a run of "1 1 1 ...")
  // is not a card, and searching its windows would cost quadratic time on such a line.
  if (groups.length > 6) return run;
  for (let i = 0; i < groups.length; i++) {
    for (let j = groups.length - 1; j >= i; j--) {
      const start = (groups[i] as [number, number])[0];
      const end = (groups[j] as [number, number])[1];
      const windowDigits = run.slice(start, end).replace(/[ -]/g, '');
      if (windowDigits.length >= 13 && windowDigits.length <= 19 && isCardNumber(windowDigits)) {
        return (
          run.slice(0, start) +
          replace('card', run.slice(start, end)) +
          redactCardRun(run.slice(end), replace)
        );
      }
    }
  }
  return run;
}

export function isCardNumber(digits: string): boolean {
  if (digits.length < 13 || digits.length > 19) return false;
  const first = digits.charCodeAt(0) - 48;
  if (first < 2 || first > 6) return false;
  return luhnValid(digits);
}

export function luhnValid(digits: string): boolean {
  let sum = 0;
  let double = false;
  for (let i = digits.length - 1; i >= 0; i--) {
    let d = digits.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return false;
    if (double) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    double = !double;
  }
  return sum % 10 === 0;
}
