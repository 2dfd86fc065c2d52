import { createRequire } from 'node:module';
import { fieldPath, getField, type JsonObject, setField } from '@sluice/core';
import type { Processor, ProcessorFactory } from '../processor.js';
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
 * `geoip`: looks an IP address up in the offline GeoLite2 database that the geoip-lite
 * package ships (no download at install or run time).
 *
 * Options:
 *   field   default "source.address"
 *   target  default "source.geo"; writes country_iso_code, region_iso_code ("US-CA"),
 *           city_name, location { lat, lon }, timezone
 *
 * Private, reserved and unknown addresses (and values that are not IPs) leave the target
 * absent: this is not a failure and adds no tag. Lists of addresses use the first one.
 */
export const geoip: ProcessorFactory = (options, context): Processor => {
  const o = new OptionReader(options, context, ['field', 'target']);
  const source = fieldPath(o.field('field', 'source.address'));
  const target = fieldPath(o.field('target', 'source.geo'));
  const db = geoipDatabase();

  return {
    name: 'geoip',
    apply(event) {
      let value = getField(event, source);
      if (Array.isArray(value)) value = value[0];
      if (typeof value !== 'string' || value.length > 64) return event;
      let record: GeoipLiteRecord | null;
      try {
        record = db.lookup(value.trim());
      } catch {
        // The library throws on some malformed strings; a bad address is just unknown.
        return event;
      }
      if (!record?.country) return event;
      const geo: JsonObject = { country_iso_code: record.country };
      if (record.region) geo.region_iso_code = `${record.country}-${record.region}`;
      if (record.city) geo.city_name = record.city;
      const [lat, lon] = record.ll;
      if (!(lat === 0 && lon === 0)) geo.location = { lat, lon };
      if (record.timezone) geo.timezone = record.timezone;
      setField(event, target, geo);
      return event;
    },
  };
};
