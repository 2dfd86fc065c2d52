import fc from 'fast-check';
import { Command } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { CommandBuffers, commandPrefix, encodeEach, encodePush as encodeWith, writeString } from './resp.js';

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

describe('encodeEach', () => {
  /** What ioredis itself writes for one command with these arguments (its own encoder). */
  function ioredisBytes(name: string, args: (string | number | Buffer)[]): Buffer {
    const writable = new Command(name, args).toWritable({} as never);
    return typeof writable === 'string' ? Buffer.from(writable, 'utf8') : writable;
  }

  it('writes, command by command, the bytes of ioredis xadd with and without MAXLEN', () => {
    const events = ['', 'plain', 'é😀 "q" \\ \u0000', '\ud800 lone', 'ü'.repeat(5), 'y'.repeat(70_000)];
    for (const [key, extra] of [
      ['logs', []],
      ['ключ 😀', []],
      ['logs', ['MAXLEN', '~', 100_000]],
    ] as const) {
      const prefix = commandPrefix(['xadd', key, ...extra, '*', 'data']);
      const ends: number[] = [];
      const wire = encodeEach(prefix, events, writeString, 8, ends);
      expect(ends).toHaveLength(events.length);
      let start = 0;
      for (const [i, event] of events.entries()) {
        const want = ioredisBytes('xadd', [key, ...extra, '*', 'data', Buffer.from(event, 'utf8')]);
        expect(wire.subarray(start, ends[i]), `${key} #${i}`).toEqual(want);
        start = ends[i] as number;
      }
    }
  });

  it('matches ioredis on arbitrary events, growing past its first guess', () => {
    const prefix = commandPrefix(['xadd', 'k', '*', 'data']);
    fc.assert(
      fc.property(fc.array(fc.string({ unit: 'binary', maxLength: 300 }), { maxLength: 40 }), (events) => {
        const ends: number[] = [];
        const wire = encodeEach(prefix, events, writeString, 1, ends);
        const want = Buffer.concat(
          events.map((e) => ioredisBytes('xadd', ['k', '*', 'data', Buffer.from(e)])),
        );
        expect(wire.subarray(0, ends.at(-1) ?? 0)).toEqual(want);
      }),
    );
  });
});
