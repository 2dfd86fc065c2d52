import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalJson, fingerprint, murmur3 } from './fingerprint.js';

const where = 'p.yaml:9: processor 4 (fingerprint)';

describe('fingerprint', () => {
  it('hashes the chosen fields in order, stable and documented', () => {
    const p = fingerprint({ fields: ['host.name', 'message'] }, { where });
    const out = p.apply({ host: { name: 'a' }, message: 'm' });
    const expected = createHash('sha256').update('"host.name":"a"\n"message":"m"\n').digest('hex');
    expect(out).toEqual({ host: { name: 'a' }, message: 'm', event: { hash: expected } });
    // This literal pins the format across releases: changing it would change every stored id.
    expect(expected).toBe('c7255eb0c6772d170c887ef015af4eeaa23a790488fa8f2f7e996c5a84d6a7d0');
  });

  it('is insensitive to object key order and sensitive to which field holds a value', () => {
    const p = fingerprint({ fields: ['a', 'b'], target: 'id' }, { where });
    const id = (e: Record<string, unknown>) => (p.apply(structuredClone(e) as never) as { id?: string }).id;
    expect(id({ a: { x: 1, y: 2 } })).toBe(id({ a: { y: 2, x: 1 } }));
    expect(id({ a: 'x' })).not.toBe(id({ b: 'x' }));
    expect(id({ c: 1 })).toBeUndefined();
  });

  it('methods, secret and encoding', () => {
    const event = () => ({ message: 'hello' });
    expect(fingerprint({ fields: ['message'], method: 'murmur3' }, { where }).apply(event())).toMatchObject({
      event: { hash: murmur3('"message":"hello"\n').toString(16).padStart(8, '0') },
    });
    const keyed = fingerprint({ fields: ['message'], secret: 's3cret' }, { where }).apply(event());
    const plain = fingerprint({ fields: ['message'] }, { where }).apply(event());
    expect(keyed).not.toEqual(plain);
    const b64 = fingerprint({ fields: ['message'], encoding: 'base64', method: 'md5' }, { where }).apply(
      event(),
    );
    expect((b64 as { event: { hash: string } }).event.hash).toMatch(/^[A-Za-z0-9+/]{22}==$/);
    expect(() => fingerprint({ fields: [] }, { where })).toThrow(
      'p.yaml:9: processor 4 (fingerprint): "fields" must be a non-empty list of field names, got []',
    );
    expect(() => fingerprint({ fields: ['a'], method: 'crc' }, { where })).toThrow(
      '"method" must be one of "sha256", "sha1", "sha512", "md5", "murmur3", got "crc"',
    );
  });

  it('murmur3 matches the reference vectors', () => {
    expect(murmur3('')).toBe(0);
    expect(murmur3('', 1)).toBe(0x514e28b7);
    expect(murmur3('hello')).toBe(0x248bfa47);
    expect(murmur3('The quick brown fox jumps over the lazy dog')).toBe(0x2e4ff723);
  });

  it('canonicalJson is stable under key permutation (property)', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.jsonValue()), (obj) => {
        const reversed = Object.fromEntries(Object.entries(obj).reverse());
        expect(canonicalJson(reversed as never)).toBe(canonicalJson(obj as never));
      }),
    );
  });
});
