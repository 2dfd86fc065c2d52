import { describe, expect, it } from 'vitest';
import { recordId } from './record.js';

describe('recordId', () => {
  // Pinned: ids already in Elasticsearch and registries must keep matching re-shipped lines,
  // whatever hashing code computes them (values from sha256 of `source \0 offset`, base64url, 27 chars).
  it('is the same id it has always been', () => {
    expect(recordId('web-01:2049:1234:0', 4096)).toBe('_v9QLl3Te4CrwZtVdVq0hAwgvQl');
    expect(recordId('stdin-run', '17')).toBe('M3m3GODgpN1J8wNXmKB1PlqBOt8');
    expect(recordId('é:ü', 0)).toBe('uSvGI1bRUeFMtmJOVmH-1I6eoC4');
  });

  it('tells apart sources whose concatenation with the offset would collide', () => {
    expect(recordId('a1', 2)).not.toBe(recordId('a', 12));
  });
});
