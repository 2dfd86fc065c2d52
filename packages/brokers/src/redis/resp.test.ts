import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CommandBuffers, encodePush as encodeWith, writeString } from './resp.js';

const encodePush = (command: string, key: string, elements: readonly string[]) =>
  encodeWith(command, key, elements, writeString, 8);

/** RESP the plain way: what ioredis wrote for the same command with Buffer arguments. */
function reference(command: string, key: string, elements: readonly string[]): Buffer {
  const args = [command, key, ...elements].map((a) => Buffer.from(a, 'utf8'));
  const parts: Buffer[] = [Buffer.from(`*${args.length}\r\n`)];
  for (const a of args) parts.push(Buffer.from(`$${a.length}\r\n`), a, Buffer.from('\r\n'));
  return Buffer.concat(parts);
}

describe('encodePush', () => {
  it('writes the bytes ioredis wrote, on awkward text', () => {
    const elements = [
      '',
      'plain',
      'é😀 \u2028\u0000\u001f"\\',
      '\ud800 lone high, lone low \udc00',
      '{"message":"a\\"b"}',
      'x'.repeat(9),
      'ü'.repeat(4), // 4 characters, 8 bytes
      'ü'.repeat(5), // 5 characters, 10 bytes: one more header digit than the character count
      '😀'.repeat(25), // 50 UTF-16 units, 100 bytes
      '€'.repeat(334), // 334 characters, 1002 bytes
      'y'.repeat(100_000),
    ];
    expect(encodePush('RPUSH', 'logs', elements)).toEqual(reference('RPUSH', 'logs', elements));
    expect(encodePush('RPUSH', 'ключ 😀', ['a'])).toEqual(reference('RPUSH', 'ключ 😀', ['a']));
    expect(encodePush('RPUSH', 'k', [])).toEqual(reference('RPUSH', 'k', []));
  });

  it('matches the plain encoding on arbitrary strings, growing past its first guess', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ unit: 'binary', maxLength: 300 }), { maxLength: 40 }), (elements) => {
        expect(encodePush('RPUSH', 'k', elements)).toEqual(reference('RPUSH', 'k', elements));
      }),
    );
    // Mostly 3-byte characters: the buffer sized for ASCII must grow several times.
    const wide = Array.from({ length: 200 }, (_, i) => '中'.repeat(i * 7));
    expect(encodePush('RPUSH', 'k', wide)).toEqual(reference('RPUSH', 'k', wide));
  });

  it('writes into a reused buffer the same bytes, and keeps only whole buffers of its own', () => {
    const elements = Array.from({ length: 300 }, (_, i) => `line ${i} ${'é'.repeat(i % 9)}`);
    const buffers = new CommandBuffers(2);
    const first = encodeWith('RPUSH', 'k', elements, writeString, 300);
    buffers.give(first);
    const reused = buffers.take();
    expect(reused?.buffer).toBe(first.buffer);
    reused?.fill(0x41); // what the last command left there must not show through
    const again = encodeWith('RPUSH', 'k', elements.slice(0, 200), writeString, 300, reused);
    expect(again.buffer).toBe(first.buffer);
    expect(again).toEqual(reference('RPUSH', 'k', elements.slice(0, 200)));
    expect(buffers.take()).toBeUndefined();
    // Small buffers are views of Node's shared pool: never kept.
    buffers.give(Buffer.allocUnsafe(100));
    buffers.give(encodeWith('RPUSH', 'k', ['a'], writeString, 8));
    expect(buffers.take()).toBeUndefined();
  });
});
