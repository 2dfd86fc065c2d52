import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import { CompressionCodecs, CompressionTypes } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { compressionCodec, lz4Frame } from './compression.js';

const lz4 = createRequire(import.meta.url)('lz4js') as { decompress(src: Uint8Array): Uint8Array };

describe('Kafka compression codecs', () => {
  it('maps names to kafkajs types', () => {
    expect(compressionCodec('none')).toBe(CompressionTypes.None);
    expect(compressionCodec('GZIP')).toBe(CompressionTypes.GZIP);
    expect(compressionCodec('lz4')).toBe(CompressionTypes.LZ4);
    expect(compressionCodec('zstd')).toBe(CompressionTypes.ZSTD);
  });

  it('writes LZ4 frames the broker accepts: independent 64 KiB blocks, flagged as such', () => {
    const frame = lz4Frame(Buffer.from('hello hello hello hello hello'));
    expect(frame.readUInt32LE(0)).toBe(0x184d2204);
    expect(frame[4]).toBe(0x60); // version 01 + block independence, no checksums
    expect(frame[5]).toBe(0x40); // 64 KiB blocks
  });

  it('LZ4 round trip, one block and several, compressible and random data', () => {
    const text = Buffer.from('GET /index.html HTTP/1.1 200 '.repeat(10_000)); // ~290 KiB: 5 blocks
    const noise = randomBytes(150_000); // incompressible: blocks stored as they are
    for (const input of [Buffer.alloc(0), Buffer.from('x'), text, noise, Buffer.concat([text, noise])]) {
      const frame = lz4Frame(input);
      expect(Buffer.from(lz4.decompress(frame)).equals(input)).toBe(true);
    }
    expect(lz4Frame(text).length).toBeLessThan(text.length / 10);
  });

  it('kafkajs codecs for lz4 and zstd are registered and round-trip', async () => {
    const input = Buffer.from('a log line, again and again. '.repeat(5_000));
    for (const type of [CompressionTypes.LZ4, CompressionTypes.ZSTD]) {
      const codec = (
        CompressionCodecs[type] as () => {
          compress(e: { buffer: Buffer }): Promise<Buffer>;
          decompress(b: Buffer): Promise<Buffer>;
        }
      )();
      const packed = await codec.compress({ buffer: input });
      expect(packed.length).toBeLessThan(input.length / 10);
      expect((await codec.decompress(packed)).equals(input)).toBe(true);
    }
  });
});
