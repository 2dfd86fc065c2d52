/*
 * JSON text of strings written as UTF-8 straight into a buffer: the bytes of
 * `Buffer.from(JSON.stringify(text))` without building that string. JSON.stringify of a
 * 200-character log line cost about four times the UTF-8 encoding of the line itself, and
 * its result is a string of concatenated parts, which the encoder then flattened into yet
 * another copy: per line that was most of what a Redis envelope or frame cost.
 *
 * The line is encoded into a scratch buffer, then copied into place byte by byte, escaping on
 * the way (a long line, past the scratch buffer, is encoded in place and escaped from its end
 * backwards, in two passes), where it has a quote, a backslash or a control character (the UTF-8 of anything else is its JSON
 * text's UTF-8: bytes of multi-byte characters are all >= 0x80 and never need escaping).
 * Strings with surrogates take JSON.stringify: a lone one must become `\udXXX`, which its
 * UTF-8 encoding (U+FFFD) cannot tell apart from a real U+FFFD.
 */

/** Any UTF-16 surrogate: such strings are escaped by JSON.stringify itself. */
const SURROGATE = /[\ud800-\udfff]/;

/**
 * Per byte: 0 when JSON writes it as it is, the letter after the backslash for the
 * two-character escapes JSON.stringify uses, or U for the other control characters (\u00xx).
 */
const ESCAPE = new Uint8Array(256);
const U = 1;
for (let b = 0; b < 0x20; b++) ESCAPE[b] = U;
for (const [b, letter] of [
  [0x08, 'b'],
  [0x09, 't'],
  [0x0a, 'n'],
  [0x0c, 'f'],
  [0x0d, 'r'],
  [0x22, '"'],
  [0x5c, '\\'],
] as const)
  ESCAPE[b] = letter.charCodeAt(0);

const HEX = [0x30, 0x31, 0x32, 0x33, 0x34, 0x35, 0x36, 0x37, 0x38, 0x39, 0x61, 0x62, 0x63, 0x64, 0x65, 0x66];

/**
 * Writes `JSON.stringify(text)` as UTF-8 into `out` from `at`; returns where it ends, or -1
 * when it might not fit before `end` (nothing is promised about the bytes then: the caller
 * grows its buffer and asks again).
 */
export function writeJsonString(text: string, out: Buffer, at: number, end: number): number {
  if (SURROGATE.test(text)) {
    const json = JSON.stringify(text);
    if (at + json.length * 3 > end) return -1;
    return at + out.write(json, at, 'utf8');
  }
  if (text.length * 3 <= SCRATCH.length) return writeThroughScratch(text, out, at, end);
  if (at + text.length * 3 + 2 > end) return -1;
  out[at] = 0x22; // '"'
  const start = at + 1;
  const stop = start + out.write(text, start, 'utf8');
  let extra = 0;
  for (let i = start; i < stop; i++) {
    const e = ESCAPE[out[i] as number] as number;
    if (e !== 0) extra += e === U ? 5 : 1;
  }
  if (extra === 0) {
    out[stop] = 0x22;
    return stop + 1;
  }
  if (stop + extra + 1 > end) return -1;
  // Move every byte right by the escapes before it, escaping on the way, from the end back.
  let j = stop + extra - 1;
  for (let i = stop - 1; j > i; i--) {
    const b = out[i] as number;
    const e = ESCAPE[b] as number;
    if (e === 0) {
      out[j--] = b;
      continue;
    }
    if (e !== U) out[j--] = e;
    else {
      out[j--] = HEX[b & 0xf] as number;
      out[j--] = HEX[b >> 4] as number;
      out[j--] = 0x30;
      out[j--] = 0x30;
      out[j--] = 0x75; // u
    }
    out[j--] = 0x5c; // backslash
  }
  out[stop + extra] = 0x22;
  return stop + extra + 1;
}

/** Lines up to a third of this many characters go through it (their UTF-8 fits). */
const SCRATCH = Buffer.allocUnsafe(64 * 1024);

/*
 * One pass over the bytes instead of two: the in-place path first counted the escapes to know
 * where the end goes, then moved every byte after the first escape. Apache lines have six
 * quotes each, so every line took both; this way is about a third cheaper per line.
 */
function writeThroughScratch(text: string, out: Buffer, at: number, end: number): number {
  const n = SCRATCH.write(text, 0, 'utf8');
  if (at + n + 2 > end) return -1;
  out[at++] = 0x22; // '"'
  for (let i = 0; i < n; i++) {
    const b = SCRATCH[i] as number;
    const e = ESCAPE[b] as number;
    if (e === 0) {
      out[at++] = b;
      continue;
    }
    // Room for this escape (six bytes at most), the bytes after it and the closing quote.
    if (at + 6 + (n - i) > end) return -1;
    out[at++] = 0x5c; // backslash
    if (e !== U) out[at++] = e;
    else {
      out[at++] = 0x75; // u
      out[at++] = 0x30;
      out[at++] = 0x30;
      out[at++] = HEX[b >> 4] as number;
      out[at++] = HEX[b & 0xf] as number;
    }
  }
  out[at++] = 0x22;
  return at;
}
