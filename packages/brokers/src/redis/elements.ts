/**
 * Encodes strings (one per list element or stream entry) into a few shared buffers and
 * returns a view of each, for ioredis to send as binary arguments.
 *
 * Why: given strings, ioredis builds one string per pipeline (`"$" + length + "\r\n" + arg`,
 * thousands of concatenations) and the socket write then flattens and UTF-8-encodes that
 * whole rope: with envelopes written from templates it was a fifth of the shipper's CPU.
 * Writing each element into a buffer costs one UTF-8 encode of a small string, and
 * ioredis copies buffers as they are.
 */
export function packElements(elements: readonly string[], slabBytes = 1024 * 1024): Buffer[] {
  const out = new Array<Buffer>(elements.length);
  let slab = Buffer.allocUnsafe(slabBytes);
  let used = 0;
  for (let i = 0; i < elements.length; i++) {
    const text = elements[i] as string;
    // A UTF-16 unit is at most 3 bytes of UTF-8: a string that may not fit starts a new slab,
    // and one larger than a slab gets a buffer of its own.
    const most = text.length * 3;
    if (most > slabBytes) {
      out[i] = Buffer.from(text, 'utf8');
      continue;
    }
    if (used + most > slab.length) {
      slab = Buffer.allocUnsafe(slabBytes);
      used = 0;
    }
    const n = slab.write(text, used);
    out[i] = slab.subarray(used, used + n);
    used += n;
  }
  return out;
}
