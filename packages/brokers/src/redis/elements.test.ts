import { describe, expect, it } from 'vitest';
import { packElements } from './elements.js';

describe('packElements', () => {
  it('gives each string its own UTF-8 bytes, across slabs and past the slab size', () => {
    const strings = ['', 'plain', 'é😀 \u2028', 'x'.repeat(40), '{"message":"a\\"b"}', 'y'.repeat(200)];
    for (let i = 0; i < 50; i++) strings.push(`line ${i} ${'ü'.repeat(i)}`);
    const packed = packElements(strings, 64);
    expect(packed.map((b) => b.toString('utf8'))).toEqual(strings);
    expect(packed.map((b) => b.length)).toEqual(strings.map((s) => Buffer.byteLength(s)));
  });
});
