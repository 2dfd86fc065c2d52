import { createRequire } from 'node:module';
import { ConfigError, choiceProblem } from '@sluice/core';
import kafkajs from 'kafkajs';

// kafkajs is CommonJS; Node's ESM loader does not see `CompressionCodecs` as a named export.
const { CompressionCodecs, CompressionTypes } = kafkajs;
type CompressionTypes = kafkajs.CompressionTypes;

/**
 * Kafka compression by name. kafkajs implements gzip itself; lz4 and zstd are codecs
 * registered in its `CompressionCodecs` table, here from registry packages that need no
 * native build: `lz4js` (pure JavaScript LZ4 frames) and `@bokuweb/zstd-wasm`
 * (WebAssembly). The codec packages made for kafkajs need native addons that do not build
 * here: `@kafkajs/zstd` (cppzst fails to compile against Node 20's headers) and
 * `kafkajs-lz4` (its `lz4` dependency ships macOS binaries and must be rebuilt). Both were
 * checked against Kafka 4.4 with the Java client reading what kafkajs wrote (README).
 * Registered on import, so the consumer also reads topics that other producers
 * (Filebeat, Java clients) compress with lz4 or zstd.
 */
const NAMES = ['none', 'gzip', 'lz4', 'zstd'] as const;

// lz4js is CommonJS without types: the calls used here. Both codec packages are loaded when a
// codec first runs, not with the adapter: every producer and consumer registers the codecs,
// and loading 11 modules for them cost each `sluice ship` to Kafka start-up CPU it rarely uses.
const require = createRequire(import.meta.url);
interface Lz4js {
  compressBound(n: number): number;
  compressBlock(
    src: Uint8Array,
    dst: Uint8Array,
    sIndex: number,
    sLength: number,
    hashTable: Uint32Array,
  ): number;
  decompress(src: Uint8Array): Uint8Array;
}
let lz4js: Lz4js | undefined;
const lz4 = (): Lz4js => {
  lz4js ??= require('lz4js') as Lz4js;
  return lz4js;
};
const xxh32 = (seed: number, src: Uint8Array, index: number, length: number): number =>
  (
    require('lz4js/xxh32.js') as {
      hash(seed: number, src: Uint8Array, index: number, length: number): number;
    }
  ).hash(seed, src, index, length);

const LZ4_BLOCK = 64 * 1024; // what Kafka's own writer uses (block size id 4)

/**
 * An LZ4 frame as Kafka's broker accepts it (KIP-57): independent blocks, flagged as such
 * (the broker refuses "dependent block streams", which is what lz4js's own frame writer
 * declares), 64 KiB blocks, no content checksum. Each block gets a fresh match table, so
 * no block refers to an earlier one.
 */
export function lz4Frame(src: Uint8Array): Buffer {
  const chunks: Buffer[] = [];
  const header = Buffer.alloc(7);
  header.writeUInt32LE(0x184d2204, 0); // magic
  header[4] = 0x40 | 0x20; // version 01, block independence
  header[5] = 4 << 4; // block max size 64 KiB
  header[6] = (xxh32(0, header, 4, 2) >>> 8) & 0xff; // header checksum
  chunks.push(header);
  const block = new Uint8Array(lz4().compressBound(LZ4_BLOCK));
  for (let start = 0; start < src.length; start += LZ4_BLOCK) {
    const size = Math.min(LZ4_BLOCK, src.length - start);
    const n = lz4().compressBlock(src, block, start, size, new Uint32Array(1 << 16));
    const length = Buffer.alloc(4);
    if (n === 0 || n >= size || !strictlyDecodes(block, n, src, start, size)) {
      length.writeUInt32LE((0x80000000 | size) >>> 0, 0); // stored uncompressed
      chunks.push(length, Buffer.from(src.buffer, src.byteOffset + start, size));
    } else {
      length.writeUInt32LE(n, 0);
      chunks.push(length, Buffer.from(block.subarray(0, n)));
    }
  }
  chunks.push(Buffer.alloc(4)); // end mark
  return Buffer.concat(chunks);
}

type Zstd = typeof import('@bokuweb/zstd-wasm');
let zstdReady: Promise<Zstd> | undefined;
/** The zstd module, imported and its WebAssembly instantiated on first use. */
function zstd(): Promise<Zstd> {
  zstdReady ??= import('@bokuweb/zstd-wasm').then(async (module) => {
    await module.init();
    return module;
  });
  return zstdReady;
}
const ZSTD_LEVEL = 3; // Kafka's default level

const LAST_LITERALS = 5; // LZ4 block format: the last 5 bytes are always literals
const MF_LIMIT = 12; // and the last match starts at least 12 bytes before the end

/**
 * Decodes an LZ4 block the way a strict decoder (the broker's lz4-java) does, and compares
 * it with the source. lz4js's compressor sometimes starts a last match fewer than 12 bytes
 * before the end of the block (seen: 11), which its own lenient decoder accepts and the
 * broker refuses ("LZ4Exception: Error decoding offset"); such a block is stored
 * uncompressed instead (1 block in 20 on access-log lines).
 */
export function strictlyDecodes(
  block: Uint8Array,
  length: number,
  src: Uint8Array,
  start: number,
  size: number,
): boolean {
  let i = 0;
  let out = 0; // bytes decoded so far, compared against src[start + out]
  while (i < length) {
    const token = block[i++] as number;
    let literals = token >>> 4;
    if (literals === 15) {
      let b: number;
      do {
        if (i >= length) return false;
        b = block[i++] as number;
        literals += b;
      } while (b === 255);
    }
    if (i + literals > length || out + literals > size) return false;
    for (let k = 0; k < literals; k++) if (block[i + k] !== src[start + out + k]) return false;
    i += literals;
    out += literals;
    if (i === length) break; // the last sequence has literals only
    if (i + 2 > length) return false;
    const offset = (block[i] as number) | ((block[i + 1] as number) << 8);
    i += 2;
    let match = (token & 15) + 4;
    if ((token & 15) === 15) {
      let b: number;
      do {
        if (i >= length) return false;
        b = block[i++] as number;
        match += b;
      } while (b === 255);
    }
    if (offset === 0 || offset > out || out > size - MF_LIMIT || out + match > size - LAST_LITERALS)
      return false;
    for (let k = 0; k < match; k++) if (src[start + out + k - offset] !== src[start + out + k]) return false;
    out += match;
  }
  return out === size;
}

CompressionCodecs[CompressionTypes.LZ4] = () => ({
  compress: async (encoder: { buffer: Buffer }) => lz4Frame(encoder.buffer),
  decompress: async (buffer: Buffer) => {
    const out = lz4().decompress(buffer);
    return Buffer.from(out.buffer, out.byteOffset, out.byteLength);
  },
});
CompressionCodecs[CompressionTypes.ZSTD] = () => ({
  compress: async (encoder: { buffer: Buffer }) =>
    Buffer.from((await zstd()).compress(encoder.buffer, ZSTD_LEVEL)),
  decompress: async (buffer: Buffer) => Buffer.from((await zstd()).decompress(buffer)),
});

export function compressionCodec(name: string): CompressionTypes {
  switch (name.toLowerCase()) {
    case 'none':
      return CompressionTypes.None;
    case 'gzip':
      return CompressionTypes.GZIP;
    case 'lz4':
      return CompressionTypes.LZ4;
    case 'zstd':
      return CompressionTypes.ZSTD;
    default:
      throw new ConfigError(`Kafka option compression ${choiceProblem(name, NAMES, { quote: true })}`);
  }
}
