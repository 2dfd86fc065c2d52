import { describe, expect, it } from 'vitest';
import { geoip } from './geoip.js';

const where = 'p.yaml:1: processor 1 (geoip)';

describe('geoip (offline GeoLite2 data shipped by geoip-lite)', () => {
  const p = geoip({}, { where });

  it('writes ECS source.geo for public IPv4 and IPv6 addresses', () => {
    const v4 = p.apply({ source: { address: '8.8.8.8' } }) as { source: { geo: Record<string, unknown> } };
    expect(v4.source.geo.country_iso_code).toBe('US');
    const location = v4.source.geo.location as { lat: number; lon: number };
    expect(location.lat).toBeGreaterThan(20);
    expect(location.lon).toBeLessThan(-60);
    const v6 = p.apply({ source: { address: '2001:4860:4860::8888' } }) as {
      source: { geo: Record<string, unknown> };
    };
    expect(v6.source.geo.country_iso_code).toBe('US');
    const city = p.apply({ source: { address: '81.2.69.160' } }) as {
      source: { geo: Record<string, unknown> };
    };
    expect(city.source.geo).toMatchObject({ country_iso_code: 'GB' });
  });

  it('leaves private, unknown and malformed addresses without fields and without a tag', () => {
    for (const address of ['10.1.2.3', '192.168.0.1', '127.0.0.1', '::1', 'not-an-ip', '999.1.1.1', '']) {
      expect(p.apply({ source: { address } })).toEqual({ source: { address } });
    }
    expect(p.apply({})).toEqual({});
  });

  it('custom field and target', () => {
    const q = geoip({ field: 'client.ip', target: 'client.geo' }, { where });
    expect(q.apply({ client: { ip: ['1.1.1.1'] } })).toMatchObject({
      client: { geo: { country_iso_code: expect.any(String) } },
    });
  });
});
