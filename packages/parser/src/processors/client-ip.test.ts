import { BlockList, isIP } from 'node:net';
import { describe, expect, it } from 'vitest';
import { clientIp, ipv4Number, NON_PUBLIC_RANGES } from './client-ip.js';

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

describe('client_ip on IPv4 without BlockList', () => {
  // The reference: every element checked by net.BlockList, as the processor did throughout.
  const reference = (ranges: readonly string[]) => {
    const list = new BlockList();
    for (const range of ranges) {
      const [network, prefix] = range.split('/') as [string, string];
      list.addSubnet(network, Number(prefix), isIP(network) === 4 ? 'ipv4' : 'ipv6');
    }
    return (elements: readonly string[]) =>
      elements.find((e) => {
        const family = isIP(e);
        return !(family !== 0 && list.check(e, family === 4 ? 'ipv4' : 'ipv6'));
      }) ?? elements[0];
  };

  it('skips exactly what BlockList skips, with IPv4 and IPv6 ranges, mapped ones included', () => {
    const rangeSets: (readonly string[])[] = [
      NON_PUBLIC_RANGES,
      ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '127.0.0.0/8'],
      ['0.0.0.0/0'],
      ['203.0.113.7/32', '198.51.100.0/31'],
      ['::ffff:0:0/96'],
      ['::ffff:10.0.0.0/104', 'fc00::/7'],
      ['::/0'],
    ];
    let seed = 7;
    const random = () => {
      seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
      return seed / 2 ** 32;
    };
    const octet = () => String(Math.floor(random() * 256));
    const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
    const element = (): string =>
      pick([
        () => `${pick([10, 172, 192, 127, 203, 198, 0, 255, 100])}.${octet()}.${octet()}.${octet()}`,
        () => `172.${pick([15, 16, 31, 32])}.0.1`,
        () => '203.0.113.7',
        () => '198.51.100.1',
        () => '01.2.3.4',
        () => 'fd00::1',
        () => '::ffff:10.1.2.3',
        () => 'proxy.example.com',
      ])();
    for (const ranges of rangeSets) {
      const p = clientIp({ field: 'list', skip: [...ranges] }, { where });
      const expected = reference(ranges);
      for (let i = 0; i < 400; i++) {
        const elements = Array.from({ length: 1 + Math.floor(random() * 3) }, element);
        const out = p.apply({ list: elements }) as { source: { address: string } };
        expect(out.source.address, `${ranges.join(' ')}: ${elements.join(', ')}`).toBe(expected(elements));
      }
    }
  });

  it('reads a dotted quad as net.isIP does', () => {
    expect(ipv4Number('203.0.113.9')).toBe(0xcb007109);
    expect(ipv4Number('255.255.255.255')).toBe(0xffffffff);
    for (const text of [
      '01.2.3.4',
      '1.2.3',
      '1.2.3.4.5',
      '256.0.0.1',
      '1..2.3',
      '1.2.3.4 ',
      '::1',
      'a.b.c.d',
    ])
      expect(ipv4Number(text), text).toBeUndefined();
  });
});
