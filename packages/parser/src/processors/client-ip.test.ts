import { describe, expect, it } from 'vitest';
import { clientIp } from './client-ip.js';

const where = 'p.yaml:4: processor 2 (client_ip)';

describe('client_ip', () => {
  it('picks the first address outside the skipped ranges, left to right', () => {
    const p = clientIp({ field: 'list' }, { where });
    expect(p.apply({ list: ['10.0.0.2', '100.64.1.1', '203.0.113.9', '198.51.100.1'] })).toMatchObject({
      source: { address: '203.0.113.9' },
    });
    expect(p.apply({ list: ['fd00::1', '::1', '2001:db8::7'] })).toMatchObject({
      source: { address: '2001:db8::7' },
    });
  });

  it('falls back to the first element when all are skipped; never skips host names', () => {
    const p = clientIp({ field: 'list' }, { where });
    expect(p.apply({ list: ['192.168.1.1', '127.0.0.1'] })).toMatchObject({
      source: { address: '192.168.1.1' },
    });
    expect(p.apply({ list: ['10.1.1.1', 'unknown', '8.8.8.8'] })).toMatchObject({
      source: { address: 'unknown' },
    });
  });

  it('splits a string on commas, spaces and quotes', () => {
    const p = clientIp({ field: 'xff', target: 'client.ip' }, { where });
    expect(p.apply({ xff: '"10.5.1.1, 175.16.199.1" 10.2.1.185' })).toMatchObject({
      client: { ip: '175.16.199.1' },
    });
  });

  it('uses the ranges given: Filebeat counts only RFC 1918 and 127/8 as private', () => {
    const p = clientIp(
      { field: 'list', skip: ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '127.0.0.0/8'] },
      { where },
    );
    expect(p.apply({ list: ['10.0.0.1', '100.64.0.1', '8.8.8.8'] })).toMatchObject({
      source: { address: '100.64.0.1' },
    });
    expect(p.apply({ list: ['::1', '8.8.8.8'] })).toMatchObject({ source: { address: '::1' } });
  });

  it('writes nothing for an absent field or an empty list', () => {
    const p = clientIp({ field: 'list' }, { where });
    expect(p.apply({})).toEqual({});
    expect(p.apply({ list: [] })).toEqual({ list: [] });
    expect(p.apply({ list: ' , ' })).toEqual({ list: ' , ' });
  });

  it('refuses malformed ranges at load time', () => {
    for (const skip of [['10.0.0.0'], ['10.0.0.0/33'], ['nope/8'], [7]]) {
      expect(() => clientIp({ field: 'a', skip }, { where }), JSON.stringify(skip)).toThrow(/"skip" must be/);
    }
  });
});
