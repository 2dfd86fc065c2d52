import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fieldPath, getField, type JsonObject, setField } from '@sluice/core';
import type { AsnResponse, CityResponse, Reader } from 'mmdb-lib';
import { type Processor, type ProcessorFactory, withOptions } from '../processor.js';
import { OptionReader } from './options.js';

/** What geoip-lite (Apache-2.0 code, GeoLite2 data shipped in the package) returns. */
interface GeoipLiteRecord {
  country: string;
  region: string;
  city: string;
  timezone?: string;
  ll: [number, number];
}
interface GeoipLite {
  lookup(ip: string): GeoipLiteRecord | null;
}

let database: GeoipLite | undefined;
function geoipDatabase(): GeoipLite {
  // Loaded on first use: the database is ~110 MB in memory per worker, paid only by
  // pipelines that use geoip.
  database ??= createRequire(import.meta.url)('geoip-lite') as GeoipLite;
  return database;
}

/**
 * A user-supplied MaxMind database (GeoIP2/GeoLite2 City, Country or ASN), read with
 * mmdb-lib: MaxMind DB's format reader by the maintainer of the `maxmind` package, without
 * its file watching and async open (a processor looks up synchronously inside a worker),
 * and without dependencies. Opened once per file and worker; the file can be replaced by a
 * newer one without upgrading Sluice (a restart of the consumer picks it up).
 */
type MmdbReader = Reader<CityResponse & Partial<AsnResponse>>;

/**
 * mmdb-lib's Reader, loaded on first use: every parser worker imports this file through the
 * processor registry, and only pipelines with a geoip `database` need the reader (its
 * modules cost a few ms of start-up per worker and on the consumer's main thread).
 */
function mmdbReader(): typeof Reader {
  return (createRequire(import.meta.url)('mmdb-lib') as typeof import('mmdb-lib')).Reader;
}
const readers = new Map<string, { reader: MmdbReader; kind: 'city' | 'asn' }>();

function openDatabase(path: string, fail: (message: string, hint?: string) => Error) {
  const open = readers.get(path);
  if (open) return open;
  let reader: MmdbReader;
  try {
    reader = new (mmdbReader())(readFileSync(path));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw fail(
      `"database" ${path} cannot be read as a MaxMind database: ${code ?? (error as Error).message}`,
      'give the path of a GeoIP2/GeoLite2 City, Country or ASN .mmdb file',
    );
  }
  const type = reader.metadata.databaseType;
  const kind = /ASN/i.test(type) ? 'asn' : /City|Country/i.test(type) ? 'city' : undefined;
  if (kind === undefined) {
    throw fail(`"database" ${path} is a ${type} database; geoip reads City, Country and ASN databases`);
  }
  const opened = { reader, kind } as const;
  readers.set(path, opened);
  return opened;
}

/** ECS geo fields from a City or Country record. */
function geoFields(record: CityResponse): JsonObject | undefined {
  const country = record.country ?? record.registered_country;
  if (!country?.iso_code) return undefined;
  const geo: JsonObject = { country_iso_code: country.iso_code };
  if (country.names?.en) geo.country_name = country.names.en;
  if (record.continent?.code) geo.continent_code = record.continent.code;
  if (record.continent?.names?.en) geo.continent_name = record.continent.names.en;
  const region = record.subdivisions?.[0];
  if (region?.iso_code) geo.region_iso_code = `${country.iso_code}-${region.iso_code}`;
  if (region?.names?.en) geo.region_name = region.names.en;
  if (record.city?.names?.en) geo.city_name = record.city.names.en;
  if (record.postal?.code) geo.postal_code = record.postal.code;
  const location = record.location;
  if (location && typeof location.latitude === 'number' && typeof location.longitude === 'number')
    geo.location = { lat: location.latitude, lon: location.longitude };
  if (location?.time_zone) geo.timezone = location.time_zone;
  return geo;
}

/** ECS `as` fields from an ASN record. */
function asFields(record: Partial<AsnResponse>): JsonObject | undefined {
  if (typeof record.autonomous_system_number !== 'number') return undefined;
  const as: JsonObject = { number: record.autonomous_system_number };
  if (record.autonomous_system_organization)
    as.organization = { name: record.autonomous_system_organization };
  return as;
}

/** The options it reads (its OptionReader's list, published in the pipeline JSON Schema). */
const GEOIP_OPTIONS = ['field', 'target', 'database'] as const;

/**
 * `geoip`: looks an IP address up, by default in the offline GeoLite2 data that the
 * geoip-lite package ships (no download at install or run time), or in a MaxMind `.mmdb`
 * file the user supplies (`database`), which can be kept current without upgrading Sluice
 * and is read in place instead of the ~110 MB bundled table in every worker.
 *
 * Options:
 *   field     default "source.address"
 *   database  path of a GeoIP2/GeoLite2 City, Country or ASN .mmdb (default: the bundled data)
 *   target    default "source.geo" (bundled, City, Country), "source.as" (ASN). Writes the ECS
 *             fields: geo: country_iso_code, country_name, continent_code, continent_name,
 *             region_iso_code ("US-CA"), region_name, city_name, postal_code,
 *             location { lat, lon }, timezone (the bundled data has no names, continent or
 *             postal code); as: number, organization.name
 *
 * Private, reserved and unknown addresses (and values that are not IPs) leave the target
 * absent: this is not a failure and adds no tag. Lists of addresses use the first one. For
 * both location and AS, use two steps, one per database.
 */
export const geoip: ProcessorFactory = withOptions(GEOIP_OPTIONS, (options, context): Processor => {
  const o = new OptionReader(options, context, GEOIP_OPTIONS);
  const source = fieldPath(o.field('field', 'source.address'));
  const path = o.string('database');
  const database = path === undefined ? undefined : openDatabase(path, (m, h) => o.error(m, h));
  const target = fieldPath(o.field('target', database?.kind === 'asn' ? 'source.as' : 'source.geo'));
  const lookup: (ip: string) => JsonObject | undefined =
    database === undefined
      ? bundledLookup(geoipDatabase())
      : (ip) => {
          const record = database.reader.get(ip);
          if (record === null) return undefined;
          return database.kind === 'asn' ? asFields(record) : geoFields(record);
        };

  return {
    name: 'geoip',
    apply(event) {
      let value = getField(event, source);
      if (Array.isArray(value)) value = value[0];
      if (typeof value !== 'string' || value.length > 64) return event;
      let found: JsonObject | undefined;
      try {
        found = lookup(value.trim());
      } catch {
        // The readers throw on malformed strings (and mmdb-lib on IPv6 in an IPv4 file):
        // a bad address is just unknown.
        return event;
      }
      if (found !== undefined) setField(event, target, found);
      return event;
    },
  };
});

function bundledLookup(db: GeoipLite): (ip: string) => JsonObject | undefined {
  return (ip) => {
    const record = db.lookup(ip);
    if (!record?.country) return undefined;
    const geo: JsonObject = { country_iso_code: record.country };
    if (record.region) geo.region_iso_code = `${record.country}-${record.region}`;
    if (record.city) geo.city_name = record.city;
    const [lat, lon] = record.ll;
    if (!(lat === 0 && lon === 0)) geo.location = { lat, lon };
    if (record.timezone) geo.timezone = record.timezone;
    return geo;
  };
}
