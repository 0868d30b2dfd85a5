import { randomBytes } from 'node:crypto';
import { and, count, desc, eq, getTableColumns, ilike, isNotNull, isNull, lt, type SQL } from 'drizzle-orm';
import type { Database } from '../db/client.ts';
import { campaignLinks, type LinkTargets, type NewCampaignLinkRow } from '../db/schema.ts';
import { ruleColumnsFrom, scheduleProblem } from './rules/link-rule-fields.ts';
import { TARGET_PLATFORMS, type CreateLinkInput, type ListQuery, type UpdateLinkInput } from './link-schemas.ts';
import { LINK_FIELD_NAMES, LINK_FIELDS } from './link-fields.ts';
import type { LinkRecord } from './link.ts';

export type { LinkRecord };

export interface LinkPage {
  links: LinkRecord[];
  /** Pass as `cursor` for the next (older) page; null on the last page. */
  nextCursor: string | null;
  /** Links matching the filters, over all pages. */
  total: number;
}

export { LinkStoreError, type LinkStoreErrorCode } from './link-store-error.ts';
import { LinkStoreError } from './link-store-error.ts';

/**
 * Create, read, update and soft-delete campaign links. Inputs are already validated by
 * the schemas in link-schemas.ts. Web processes learn of every change from the table's
 * NOTIFY trigger, so nothing here touches a cache.
 */
export interface LinkStore {
  create(input: CreateLinkInput): Promise<LinkRecord>;
  /** `ref` is the numeric id or the slug; an id wins when a slug is all digits too. */
  find(ref: string): Promise<LinkRecord | null>;
  list(query: ListQuery): Promise<LinkPage>;
  update(ref: string, patch: UpdateLinkInput): Promise<LinkRecord>;
  /** Soft delete: the click path stops answering the slug, which stays reserved. */
  remove(ref: string): Promise<LinkRecord>;
  /** Undoes a delete, so the tracking URL redirects again; a live link is answered as is. */
  restore(ref: string): Promise<LinkRecord>;
}

export interface LinkStoreOptions {
  /** Tests hand in a predictable generator to force collisions. */
  generateSlug?: () => string;
}

const SLUG_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
const GENERATED_SLUG_LENGTH = 8;
const SLUG_ATTEMPTS = 8;
const ID_PATTERN = /^\d{1,15}$/;

/** 8 characters of 64 (about 47 bits after the rules below): a collision is rare, and retried. */
export function randomSlug(): string {
  for (;;) {
    const bytes = randomBytes(GENERATED_SLUG_LENGTH);
    // 64 symbols divide 256 evenly, so masking keeps every symbol equally likely.
    const slug = Array.from(bytes, (b) => SLUG_ALPHABET[b & 63]).join('');
    // Rejected: an all-digit slug reads as an id in /api/v1/links/:id; a leading "-" reads
    // as an option on a command line; a "-" or "_" at either end gets lost when a chat
    // app or an email client turns the URL into a link.
    if (/^[A-Za-z0-9].*[A-Za-z0-9]$/.test(slug) && !ID_PATTERN.test(slug)) return slug;
  }
}

const { deletedAt: _deletedAt, ...liveColumns } = getTableColumns(campaignLinks);
const live = isNull(campaignLinks.deletedAt);

const emptyToNull = (value: string | null | undefined) => (value === '' ? null : value);

/** The columns a create or update sets; keys absent from the input stay absent. */
function columnsFrom(input: Omit<UpdateLinkInput, 'targets'>): Partial<NewCampaignLinkRow> {
  const values: Record<string, unknown> = {};
  for (const name of LINK_FIELD_NAMES) {
    const value = input[name];
    if (value === undefined) continue;
    const spec = LINK_FIELDS[name];
    values[spec.column] = spec.kind === 'text' || spec.kind === 'url' ? emptyToNull(value as string | null) : value;
  }
  // The rules feature's fields (schedule, limit, rules) map themselves.
  return { ...values, ...ruleColumnsFrom(input) } as Partial<NewCampaignLinkRow>;
}

function mergeTargets(current: LinkTargets, patch: NonNullable<UpdateLinkInput['targets']>): LinkTargets {
  const merged: LinkTargets = { ...current };
  for (const platform of TARGET_PLATFORMS) {
    const value = patch[platform];
    if (value === null) delete merged[platform];
    else if (value !== undefined) merged[platform] = value;
  }
  if (!TARGET_PLATFORMS.some((p) => merged[p])) {
    throw new LinkStoreError('invalid', 'targets: needs at least one of ios, android, default', 'targets');
  }
  return merged;
}

function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

export function createLinkStore(db: Database, options: LinkStoreOptions = {}): LinkStore {
  const generateSlug = options.generateSlug ?? randomSlug;
  type Tx = Parameters<Parameters<Database['transaction']>[0]>[0];

  async function locate(executor: Database | Tx, ref: string, forUpdate = false): Promise<LinkRecord | null> {
    // No slug holds NUL (Postgres text cannot), and sent to the database it fails the query.
    if (ref.includes('\0')) return null;
    const byRef = async (condition: SQL) => {
      const query = executor.select(liveColumns).from(campaignLinks).where(and(condition, live)).limit(1);
      const rows = forUpdate ? await query.for('update') : await query;
      return rows[0] ?? null;
    };
    if (ID_PATTERN.test(ref)) {
      const byId = await byRef(eq(campaignLinks.id, Number(ref)));
      if (byId) return byId;
    }
    return byRef(eq(campaignLinks.slug, ref));
  }

  function notFound(ref: string): LinkStoreError {
    return new LinkStoreError('not_found', `no link with id or slug ${JSON.stringify(ref)}`);
  }

  async function insert(values: NewCampaignLinkRow): Promise<LinkRecord | null> {
    // DO NOTHING rather than catching the unique violation: the driver's error shapes differ.
    const rows = await db.insert(campaignLinks).values(values).onConflictDoNothing({ target: campaignLinks.slug }).returning(liveColumns);
    return rows[0] ?? null;
  }

  return {
    async create(input) {
      const { slug, targets, ...rest } = input;
      const values = { ...columnsFrom(rest), targets };
      const schedule = scheduleProblem(values.startsAt, values.expiresAt);
      if (schedule) throw new LinkStoreError('invalid', schedule, 'expires_at');
      if (slug !== undefined) {
        const created = await insert({ ...values, slug });
        if (created) return created;
        const [holder] = await db.select({ deletedAt: campaignLinks.deletedAt }).from(campaignLinks).where(eq(campaignLinks.slug, slug));
        const message = holder?.deletedAt
          ? 'slug: belongs to a deleted link; slugs stay reserved so old tracking URLs never lead to a new link'
          : 'slug: is already taken';
        throw new LinkStoreError('conflict', message, 'slug');
      }
      for (let attempt = 0; attempt < SLUG_ATTEMPTS; attempt++) {
        const created = await insert({ ...values, slug: generateSlug() });
        if (created) return created;
      }
      throw new Error(`no free slug after ${SLUG_ATTEMPTS} generated attempts`);
    },

    find: (ref) => locate(db, ref),

    async list(query) {
      const filters: SQL[] = [query.deleted === 'true' ? isNotNull(campaignLinks.deletedAt) : live];
      if (query.slug !== undefined) filters.push(eq(campaignLinks.slug, query.slug));
      // Contains, ignoring case: people search for "spring", not "Spring sale 2026" exactly.
      if (query.campaign) filters.push(ilike(campaignLinks.campaign, `%${escapeLike(query.campaign)}%`));
      if (query.network) filters.push(ilike(campaignLinks.network, `%${escapeLike(query.network)}%`));
      if (query.q) filters.push(ilike(campaignLinks.slug, `%${escapeLike(query.q)}%`));
      const where = and(...filters);
      const pageWhere = query.cursor === undefined ? where : and(where, lt(campaignLinks.id, Number(query.cursor)));
      // The id is an identity column, so its order is creation order: newest first, and a
      // cursor on it stays correct while links are added between page loads.
      const [rows, totals] = await Promise.all([
        db.select(liveColumns).from(campaignLinks).where(pageWhere).orderBy(desc(campaignLinks.id)).limit(query.limit + 1),
        db.select({ total: count() }).from(campaignLinks).where(where),
      ]);
      const links = rows.slice(0, query.limit);
      const last = links.at(-1);
      return { links, nextCursor: rows.length > query.limit && last ? String(last.id) : null, total: totals[0]?.total ?? 0 };
    },

    async update(ref, patch) {
      return db.transaction(async (tx) => {
        const current = await locate(tx, ref, true);
        if (!current) throw notFound(ref);
        const { targets, ...rest } = patch;
        const values = columnsFrom(rest);
        if (targets) values.targets = mergeTargets(current.targets, targets);
        const schedule = scheduleProblem(values.startsAt === undefined ? current.startsAt : values.startsAt, values.expiresAt === undefined ? current.expiresAt : values.expiresAt);
        if (schedule) throw new LinkStoreError('invalid', schedule, 'expires_at');
        if (Object.keys(values).length === 0) return current;
        const [updated] = await tx.update(campaignLinks).set(values).where(eq(campaignLinks.id, current.id)).returning(liveColumns);
        if (!updated) throw notFound(ref);
        return updated;
      });
    },

    async remove(ref) {
      const current = await locate(db, ref);
      if (!current) throw notFound(ref);
      const [removed] = await db
        .update(campaignLinks)
        .set({ deletedAt: new Date() })
        .where(and(eq(campaignLinks.id, current.id), live))
        .returning(liveColumns);
      // Someone else deleted it between the two statements: to this caller it is gone.
      if (!removed) throw notFound(ref);
      return removed;
    },

    async restore(ref) {
      const undelete = async (condition: SQL) => {
        const [row] = await db
          .update(campaignLinks)
          .set({ deletedAt: null })
          .where(and(condition, isNotNull(campaignLinks.deletedAt)))
          .returning(liveColumns);
        return row;
      };
      // As in find, an id wins over a slug of the same digits. Slugs stay reserved after a
      // delete, so a slug names exactly one link, live or deleted.
      if (ref.includes('\0')) throw notFound(ref);
      const byId = ID_PATTERN.test(ref) ? await undelete(eq(campaignLinks.id, Number(ref))) : undefined;
      const restored = byId ?? (await locate(db, ref)) ?? (await undelete(eq(campaignLinks.slug, ref)));
      if (!restored) throw notFound(ref);
      return restored;
    },
  };
}
