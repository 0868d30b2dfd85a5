import type { GeoLookup } from '../../worker/enrich/geoip.ts';

// Imported on first need: most web processes serve no country rule and never load the
// GeoIP reader (a test holds production web processes to the modules they need).
const openBundled = async (path?: string): Promise<GeoLookup> => (await import('../../worker/enrich/geoip.ts')).openGeoIp(path);

/** GeoIP in the web process, opened on first need: only links with a country rule ask. */
export interface CountryLookup {
  /** The country now, or undefined when the database is not open yet (call `open`). */
  country(ip: string): string | null | undefined;
  /** Opens the database once; later calls share the first. */
  open(): Promise<void>;
  /** True once `open` has settled: the click path then skips awaiting it. */
  isOpen(): boolean;
}

const KNOWN_MAX = 10_000;
const NO_GEO: GeoLookup = { lookup: () => ({ country: null }) };

export function createCountryLookup(
  geoIpPath: string | undefined,
  onError: (err: unknown) => void,
  opener: (path?: string) => Promise<GeoLookup> = openBundled,
): CountryLookup {
  let geo: GeoLookup | undefined;
  const known = new Map<string, string | null>();
  let opening: Promise<void> | undefined;
  return {
    country: (ip) => {
      if (!geo) return undefined;
      // Visitors click again and share addresses; a lookup walks the database's tree.
      let country = known.get(ip);
      if (country === undefined) {
        country = geo.lookup(ip).country;
        if (known.size >= KNOWN_MAX) known.clear();
        known.set(ip, country);
      }
      return country;
    },
    isOpen: () => geo !== undefined,
    open() {
      // A database that cannot be opened makes every country unknown (country rules do not
      // match) rather than failing clicks; the error is logged once.
      opening ??= opener(geoIpPath).then(
        (g) => {
          geo = g;
        },
        (err: unknown) => {
          geo = NO_GEO;
          onError(err);
        },
      );
      return opening;
    },
  };
}
