/*
 * recordId's common case computed in JavaScript: the first 27 base64url characters of
 * SHA-256(`${source}\0${offset}`), for an ASCII source and a whole-number offset that fit in
 * one 64-byte block (file ids are `shipper:dev:ino:gen`, about 25 bytes). The one-shot
 * `crypto.hash` costs about 1.2 µs per call here, most of it crossing into C++ and making
 * strings on both sides; this costs about 0.8 (warm-up included, over 200,000 lines), on every
 * shipped line. Anything else
 * (non-ASCII, long sources, string offsets) returns undefined and takes crypto.hash, and
 * record-id-fast.test.ts compares the two on random and hostile inputs: ids must never change.
 */

const K = new Int32Array([
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5, 0xd807aa98,
  0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786,
  0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8,
  0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13,
  0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819,
  0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a,
  0x5b9cca4f, 0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7,
  0xc67178f2,
]);
const H0 = new Int32Array([
  0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
]);

const W = new Int32Array(64);

/**
 * The SHA-256 compression of one block (16 big-endian words in `m`) from the initial state,
 * writing the first six words of the digest to `out` (27 characters need 162 bits). A plain
 * loop on purpose: fully unrolled it ran a quarter faster once optimised, but a 200,000-line
 * run paid more than that back in interpreting and compiling the huge function.
 */
function compress(m: Int32Array, out: Int32Array): void {
  for (let i = 0; i < 16; i++) W[i] = m[i] as number;
  for (let i = 16; i < 64; i++) {
    const w15 = W[i - 15] as number;
    const w2 = W[i - 2] as number;
    const s0 = ((w15 >>> 7) | (w15 << 25)) ^ ((w15 >>> 18) | (w15 << 14)) ^ (w15 >>> 3);
    const s1 = ((w2 >>> 17) | (w2 << 15)) ^ ((w2 >>> 19) | (w2 << 13)) ^ (w2 >>> 10);
    W[i] = ((W[i - 16] as number) + s0 + (W[i - 7] as number) + s1) | 0;
  }
  let a = H0[0] as number;
  let b = H0[1] as number;
  let c = H0[2] as number;
  let d = H0[3] as number;
  let e = H0[4] as number;
  let f = H0[5] as number;
  let g = H0[6] as number;
  let h = H0[7] as number;
  for (let i = 0; i < 64; i++) {
    const s1 = ((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7));
    const t1 = (h + s1 + ((e & f) ^ (~e & g)) + (K[i] as number) + (W[i] as number)) | 0;
    const s0 = ((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10));
    const t2 = (s0 + ((a & b) ^ (a & c) ^ (b & c))) | 0;
    h = g;
    g = f;
    f = e;
    e = (d + t1) | 0;
    d = c;
    c = b;
    b = a;
    a = (t1 + t2) | 0;
  }
  out[0] = ((H0[0] as number) + a) | 0;
  out[1] = ((H0[1] as number) + b) | 0;
  out[2] = ((H0[2] as number) + c) | 0;
  out[3] = ((H0[3] as number) + d) | 0;
  out[4] = ((H0[4] as number) + e) | 0;
  out[5] = ((H0[5] as number) + f) | 0;
}

const BASE64URL = Buffer.from('ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_', 'latin1');
const block = new Uint8Array(64);
const words = new Int32Array(16);
const digest = new Int32Array(6);
/** The source whose bytes (and the 0 after them) are in `block`, and how many; -1 when it cannot take this path. */
let lastSource: string | undefined;
let prefix = -1;

/** `recordId(source, offset)` computed here, or undefined for inputs this path does not take. */
export function fastRecordId(source: string, offset: number | string): string | undefined {
  if (typeof offset !== 'number' || !Number.isSafeInteger(offset) || offset < 0) return undefined;
  if (source !== lastSource) {
    lastSource = source;
    prefix = -1;
    // At least one digit and the 9 bytes of padding must fit in the block too.
    if (source.length > 54 - 1) return undefined;
    for (let i = 0; i < source.length; i++) {
      const c = source.charCodeAt(i);
      if (c > 0x7f) return undefined;
      block[i] = c;
    }
    block[source.length] = 0;
    prefix = source.length + 1;
  }
  if (prefix < 0) return undefined;
  let digits = 1;
  for (let rest = offset; rest >= 10; rest = Math.floor(rest / 10)) digits++;
  const length = prefix + digits;
  if (length > 55) return undefined;
  let at = length;
  let n = offset;
  do {
    block[--at] = 0x30 + (n % 10);
    n = Math.floor(n / 10);
  } while (n > 0);
  // Padding: 0x80, zeros, then the message length in bits as a big-endian 64-bit number.
  block[length] = 0x80;
  block.fill(0, length + 1, 62);
  block[62] = (length * 8) >>> 8;
  block[63] = (length * 8) & 0xff;
  for (let i = 0, j = 0; i < 16; i++, j += 4)
    words[i] =
      ((block[j] as number) << 24) |
      ((block[j + 1] as number) << 16) |
      ((block[j + 2] as number) << 8) |
      (block[j + 3] as number);
  compress(words, digest);
  const d0 = digest[0] as number;
  const d1 = digest[1] as number;
  const d2 = digest[2] as number;
  const d3 = digest[3] as number;
  const d4 = digest[4] as number;
  const d5 = digest[5] as number;
  const c = (sextet: number) => BASE64URL[sextet & 63] as number;
  // 27 sextets: 162 bits from the start of the digest, as Buffer's base64url would cut them.
  return String.fromCharCode(
    c(d0 >>> 26),
    c(d0 >>> 20),
    c(d0 >>> 14),
    c(d0 >>> 8),
    c(d0 >>> 2),
    c((d0 << 4) | (d1 >>> 28)),
    c(d1 >>> 22),
    c(d1 >>> 16),
    c(d1 >>> 10),
    c(d1 >>> 4),
    c((d1 << 2) | (d2 >>> 30)),
    c(d2 >>> 24),
    c(d2 >>> 18),
    c(d2 >>> 12),
    c(d2 >>> 6),
    c(d2),
    c(d3 >>> 26),
    c(d3 >>> 20),
    c(d3 >>> 14),
    c(d3 >>> 8),
    c(d3 >>> 2),
    c((d3 << 4) | (d4 >>> 28)),
    c(d4 >>> 22),
    c(d4 >>> 16),
    c(d4 >>> 10),
    c(d4 >>> 4),
    c((d4 << 2) | (d5 >>> 30)),
  );
}
