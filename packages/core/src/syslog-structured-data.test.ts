import { describe, expect, it } from 'vitest';
import { parseStructuredData } from './syslog-structured-data.js';

describe('parseStructuredData', () => {
  it('unescapes \\" \\\\ and \\], keeps other backslashes, merges a repeated SD-ID', () => {
    expect(
      parseStructuredData(String.raw`[a x="say \"hi\"" y="C:\\dir" z="[1\]" w="\n"][b][a v=""]`),
    ).toEqual({
      a: { x: 'say "hi"', y: 'C:\\dir', z: '[1]', w: '\\n', v: '' },
      b: {},
    });
  });

  it('keeps an SD-ID or parameter named __proto__ as data', () => {
    const parsed = parseStructuredData('[__proto__ polluted="yes"][a __proto__="x"]') as Record<
      string,
      unknown
    >;
    expect(Object.keys(parsed)).toEqual(['__proto__', 'a']);
    expect(Object.getPrototypeOf(parsed)).toBe(Object.prototype);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(JSON.stringify(parsed)).toBe('{"__proto__":{"polluted":"yes"},"a":{"__proto__":"x"}}');
  });

  it('refuses text that is not structured data', () => {
    for (const bad of [
      '',
      '[]',
      '[id k=v]',
      '[id k="v"',
      'id k="v"]',
      '[id k="v"] trailing',
      '[id  k="v"]',
    ]) {
      expect(parseStructuredData(bad), bad).toBeUndefined();
    }
  });
});
