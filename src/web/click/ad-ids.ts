import { createHash } from 'node:crypto';

/**
 * Advertising ids as the original tracker read them: `adid` (or `idfa`, `gadid`) and the
 * hashed forms `idfa_md5` / `idfa_sha1`, combined into `idfa_comb`, the id an install is
 * matched on. Pure: the caller reports the rejections.
 */

export type AdIdField = 'adid' | 'idfa' | 'gadid' | 'idfa_md5' | 'idfa_sha1';

/** Why a visitor's id was not used: not the documented shape, or the all-zero opt-out id. */
export type AdIdRejection = 'malformed' | 'zeroed';

export interface AdIds {
  /** Dashed upper-case UUID. */
  adid?: string;
  /** Lower-case hex. */
  idfaMd5?: string;
  idfaSha1?: string;
  /** The first of adid, idfa_md5, idfa_sha1 that is valid. */
  idfaComb?: string;
  /** Visitor parameters turned into the fields above; the rest travel on in `reqparams`. */
  consumed: AdIdField[];
  rejected: Array<{ field: AdIdField; reason: AdIdRejection }>;
}

const UUID_DASHED = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const HEX32 = /^[0-9a-f]{32}$/i;
const HEX40 = /^[0-9a-f]{40}$/i;

// iOS with tracking denied, and Android with the ad id deleted, report all zeros. Treating
// that as an id would give every opted-out device one shared lookup key, so the hashes
// networks send of it (of either spelling) count as zeros too.
const ZERO_UUID = '00000000-0000-0000-0000-000000000000';
const zeroHashes = (text: string) => [createHash('md5').update(text).digest('hex'), createHash('sha1').update(text).digest('hex')];
const ZERO_HASHES: ReadonlySet<string> = new Set([...zeroHashes(ZERO_UUID), ...zeroHashes(ZERO_UUID.replaceAll('-', ''))]);

/** The opt-out id (normalised), or a lower-case md5/sha1 of it: never an id to match on. */
export function isZeroAdId(normalisedOrHash: string): boolean {
  return normalisedOrHash === ZERO_UUID || ZERO_HASHES.has(normalisedOrHash);
}

/** 32 hex digits with or without the dashes -> dashed upper-case UUID; anything else null. */
export function normaliseAdId(raw: string): string | null {
  if (raw.length === 36 && UUID_DASHED.test(raw)) return raw.toUpperCase();
  if (raw.length === 32 && HEX32.test(raw)) {
    return `${raw.slice(0, 8)}-${raw.slice(8, 12)}-${raw.slice(12, 16)}-${raw.slice(16, 20)}-${raw.slice(20)}`.toUpperCase();
  }
  return null;
}

const RAW_ID_FIELDS = ['adid', 'idfa', 'gadid'] as const;

/**
 * Reads the ids from the visitor's query. An empty value counts as absent (networks send
 * `adid=` when their macro has nothing); an invalid one is reported and left for
 * `reqparams`, and the click goes on without it.
 */
export function readAdIds(query: Record<string, string>): AdIds {
  const ids: AdIds = { consumed: [], rejected: [] };
  for (const field of RAW_ID_FIELDS) {
    const raw = visitorValue(query, field);
    if (raw === undefined) continue;
    const id = normaliseAdId(raw);
    if (id === null) ids.rejected.push({ field, reason: 'malformed' });
    else if (id === ZERO_UUID) ids.rejected.push({ field, reason: 'zeroed' });
    else if (ids.adid === undefined) {
      ids.adid = id;
      ids.consumed.push(field);
    }
  }
  const md5 = readHash(query, 'idfa_md5', HEX32, ids);
  if (md5 !== undefined) ids.idfaMd5 = md5;
  const sha1 = readHash(query, 'idfa_sha1', HEX40, ids);
  if (sha1 !== undefined) ids.idfaSha1 = sha1;
  const comb = ids.adid ?? md5 ?? sha1;
  if (comb !== undefined) ids.idfaComb = comb;
  return ids;
}

function visitorValue(query: Record<string, string>, field: string): string | undefined {
  return Object.hasOwn(query, field) && query[field] !== '' ? query[field] : undefined;
}

// The hashes are validated like the id: a consumer matches them byte for byte against
// hashes of the device's id, which are lower-case hex of one fixed length.
function readHash(query: Record<string, string>, field: 'idfa_md5' | 'idfa_sha1', shape: RegExp, ids: AdIds): string | undefined {
  const raw = visitorValue(query, field);
  if (raw === undefined) return undefined;
  if (!shape.test(raw)) {
    ids.rejected.push({ field, reason: 'malformed' });
    return undefined;
  }
  const hash = raw.toLowerCase();
  if (ZERO_HASHES.has(hash)) {
    ids.rejected.push({ field, reason: 'zeroed' });
    return undefined;
  }
  ids.consumed.push(field);
  return hash;
}
