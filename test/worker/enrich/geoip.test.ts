import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { bundledGeoIpPath, geoFromRecord, openGeoIp, type GeoLookup } from '../../../src/worker/enrich/geoip.ts';

describe('openGeoIp with the bundled DB-IP country database', () => {
  let geo: GeoLookup;
  beforeAll(async () => {
    geo = await openGeoIp();
  });

  it('finds the bundled file through the package system', () => {
    expect(bundledGeoIpPath()).toMatch(/@ip-location-db[/\\]dbip-country-mmdb[/\\]dbip-country\.mmdb$/);
  });

  it('places 8.8.8.8 in the US', () => {
    expect(geo.lookup('8.8.8.8')).toEqual({ country: 'US' });
  });

  it('places the original example address 188.103.123.173 in Germany', () => {
    expect(geo.lookup('188.103.123.173').country).toBe('DE');
  });

  it('gives a public IPv6 address a country', () => {
    expect(geo.lookup('2a00:1450:4001:82a::200e').country).toMatch(/^[A-Z]{2}$/);
  });

  it('unwraps an IPv4-mapped IPv6 address', () => {
    expect(geo.lookup('::ffff:8.8.8.8').country).toBe('US');
  });

  it.each(['10.0.0.1', '127.0.0.1', '0.0.0.0', '192.168.1.1', '::1', 'fe80::1'])(
    'has no country for the private or reserved address %s',
    (ip) => {
      expect(geo.lookup(ip)).toEqual({ country: null });
    },
  );

  it.each(['', 'nonsense', '1.2.3', '999.1.1.1', '8.8.8.8 '])('has no country for the non-address %j, without throwing', (ip) => {
    expect(geo.lookup(ip)).toEqual({ country: null });
  });

  it('adds no region or city keys for a country database', () => {
    expect(Object.keys(geo.lookup('8.8.8.8'))).toEqual(['country']);
  });
});

describe('openGeoIp failures', () => {
  it('names GEOIP_DB and the path when the file is missing', async () => {
    const path = join(tmpdir(), 'no-such-dir', 'missing.mmdb');
    await expect(openGeoIp(path)).rejects.toThrow(/GEOIP_DB.*no-such-dir[/\\]missing\.mmdb/);
  });

  it('names GEOIP_DB and the path when the file is not a MaxMind database', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'geoip-'));
    const path = join(dir, 'not-a-db.mmdb');
    try {
      await writeFile(path, 'hello');
      await expect(openGeoIp(path)).rejects.toThrow(/GEOIP_DB.*not-a-db\.mmdb/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('geoFromRecord', () => {
  const geoLite2City = {
    city: { geoname_id: 2950159, names: { en: 'Berlin', de: 'Berlin' } },
    continent: { code: 'EU', geoname_id: 6255148, names: { en: 'Europe' } },
    country: { geoname_id: 2921044, iso_code: 'DE', names: { en: 'Germany' } },
    location: { accuracy_radius: 20, latitude: 52.52, longitude: 13.4, time_zone: 'Europe/Berlin' },
    registered_country: { geoname_id: 2921044, iso_code: 'DE', names: { en: 'Germany' } },
    subdivisions: [{ geoname_id: 2950157, iso_code: 'BE', names: { en: 'Land Berlin' } }],
  };

  it('reads country, first subdivision and English city name from a GeoLite2 City record', () => {
    expect(geoFromRecord(geoLite2City, true)).toEqual({ country: 'DE', region: 'BE', city: 'Berlin' });
  });

  it('reads only the country from a GeoLite2 record when the database is a country one', () => {
    expect(geoFromRecord(geoLite2City, false)).toEqual({ country: 'DE' });
  });

  it('falls back to the registered country when MaxMind gives no country', () => {
    const record = { registered_country: { geoname_id: 6252001, iso_code: 'US', names: { en: 'United States' } } };
    expect(geoFromRecord(record, true)).toEqual({ country: 'US', region: null, city: null });
  });

  it('reads the ip-location-db flat shape, country and city packages alike', () => {
    expect(geoFromRecord({ country_code: 'US' }, false)).toEqual({ country: 'US' });
    expect(geoFromRecord({ country_code: 'US', state1: 'California', city: 'Mountain View' }, true)).toEqual({
      country: 'US',
      region: 'California',
      city: 'Mountain View',
    });
  });

  it('gives nulls for records of an unexpected shape', () => {
    expect(geoFromRecord('US', false)).toEqual({ country: null });
    expect(geoFromRecord({ country: { iso_code: 7 }, city: { names: {} }, subdivisions: [] }, true)).toEqual({
      country: null,
      region: null,
      city: null,
    });
  });
});
