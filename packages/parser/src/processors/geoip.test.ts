import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '@sluice/core';
import { afterAll, describe, expect, it } from 'vitest';
import { writeMmdb } from '../testing/mmdb.js';
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

describe('geoip with a user-supplied MaxMind database (database: FILE.mmdb)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sluice-geoip-mmdb-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  // Addresses chosen so the bundled data would say something else: 10/8 is private there.
  const city = join(dir, 'City.mmdb');
  writeMmdb(city, 'GeoLite2-City', [
    {
      cidr: '10.20.0.0/16',
      data: {
        continent: { code: 'EU', names: { en: 'Europe' } },
        country: { iso_code: 'SE', names: { en: 'Sweden' } },
        subdivisions: [{ iso_code: 'AB', names: { en: 'Stockholm County' } }],
        city: { names: { en: 'Stockholm' } },
        postal: { code: '111 20' },
        location: { latitude: 59.3293, longitude: 18.0686, time_zone: 'Europe/Stockholm' },
      },
    },
    { cidr: '10.30.0.0/16', data: { registered_country: { iso_code: 'NO' } } },
  ]);
  const asn = join(dir, 'ASN.mmdb');
  writeMmdb(asn, 'GeoLite2-ASN', [
    {
      cidr: '10.20.0.0/16',
      data: { autonomous_system_number: 64512, autonomous_system_organization: 'Example Net' },
    },
  ]);

  it('City: writes the ECS geo fields from the file, in place of the bundled data', () => {
    const p = geoip({ database: city }, { where });
    expect(p.apply({ source: { address: '10.20.1.2' } })).toEqual({
      source: {
        address: '10.20.1.2',
        geo: {
          continent_code: 'EU',
          continent_name: 'Europe',
          country_iso_code: 'SE',
          country_name: 'Sweden',
          region_iso_code: 'SE-AB',
          region_name: 'Stockholm County',
          city_name: 'Stockholm',
          postal_code: '111 20',
          location: { lat: 59.3293, lon: 18.0686 },
          timezone: 'Europe/Stockholm',
        },
      },
    });
    // Only a registered country: that is what is known.
    expect(p.apply({ source: { address: '10.30.0.1' } })).toEqual({
      source: { address: '10.30.0.1', geo: { country_iso_code: 'NO' } },
    });
  });

  it('ASN: writes source.as by default (number, organization.name)', () => {
    const p = geoip({ database: asn }, { where });
    expect(p.apply({ source: { address: '10.20.9.9' } })).toEqual({
      source: { address: '10.20.9.9', as: { number: 64512, organization: { name: 'Example Net' } } },
    });
    const q = geoip({ database: asn, field: 'destination.ip', target: 'destination.as' }, { where });
    expect(q.apply({ destination: { ip: ['10.20.0.1'] } })).toMatchObject({
      destination: { as: { number: 64512 } },
    });
  });

  it('addresses the file does not hold, IPv6 in an IPv4 file and non-addresses leave the event as it was', () => {
    const p = geoip({ database: city }, { where });
    for (const address of ['8.8.8.8', '10.21.0.1', '2001:db8::1', 'not-an-ip', '']) {
      expect(p.apply({ source: { address } })).toEqual({ source: { address } });
    }
  });

  it('a missing or unreadable file, or another kind of database, is a ConfigError at build time', () => {
    expect(() => geoip({ database: join(dir, 'missing.mmdb') }, { where })).toThrow(
      `${where}: "database" ${join(dir, 'missing.mmdb')} cannot be read as a MaxMind database: ENOENT`,
    );
    const junk = join(dir, 'junk.mmdb');
    writeFileSync(junk, 'not a database');
    expect(() => geoip({ database: junk }, { where })).toThrow(ConfigError);
    const other = join(dir, 'Anon.mmdb');
    writeMmdb(other, 'GeoIP2-Anonymous-IP', [{ cidr: '10.0.0.0/8', data: { is_anonymous: true } }]);
    expect(() => geoip({ database: other }, { where })).toThrow(
      'is a GeoIP2-Anonymous-IP database; geoip reads City, Country and ASN databases',
    );
  });
});
