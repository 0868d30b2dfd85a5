import type { Link } from './link.ts';
import { LinkProfiles, linkOf } from './link-profiles.ts';
import { SLUG_ENTRY_BYTES, SlugTable, slugHash } from './slug-table.ts';

/** Links materialised for repeated hits, kept as objects so a hot link costs one Map lookup. */
const HOT_LINKS = 1_024;

/**
 * Links within a memory budget: each link an entry of a SlugTable (id, slug, CLOCK bit)
 * pointing at a shared LinkProfile. A hit builds the Link object (short-lived garbage); a
 * link hit again while its CLOCK bit is still set is kept built, among the last HOT_LINKS
 * such links, so a hot link is neither rebuilt nor looked up in the table.
 */
export class CompactLinkStore {
  private table = new SlugTable();
  private profiles = new LinkProfiles();
  private hot = new Map<string, Link>();
  private readonly budgetBytes: number;
  private readonly maxEntries: number;

  /** `maxEntries` bounds the count too, when given. */
  constructor(budgetBytes: number, maxEntries = Number.POSITIVE_INFINITY) {
    this.budgetBytes = budgetBytes;
    this.maxEntries = maxEntries;
  }

  get size(): number {
    return this.table.size;
  }

  /** Estimated memory of the cached links: entries, their index, long slugs and profiles. */
  get bytes(): number {
    return this.table.bytes + this.profiles.bytes;
  }

  get profileCount(): number {
    return this.profiles.size;
  }

  /** Whether one more link (sharing a known profile) would fit without evicting another. */
  get full(): boolean {
    return this.table.size >= this.maxEntries || this.bytes + SLUG_ENTRY_BYTES > this.budgetBytes;
  }

  get(slug: string): Link | undefined {
    const built = this.hot.get(slug);
    if (built !== undefined) return built;
    const e = this.table.find(slug);
    if (e < 0) return undefined;
    const link = linkOf(this.table.id(e), slug, this.profiles.get(this.table.profile(e)));
    if (this.table.wasTouched(e)) {
      // Hit twice since the clock passed: worth keeping built. Oldest out first.
      if (this.hot.size >= HOT_LINKS) this.hot.delete(this.hot.keys().next().value!);
      this.hot.set(slug, link);
    } else this.table.touch(e);
    return link;
  }

  /** The cached link, built without counting as a use. */
  peek(slug: string): Link | undefined {
    const e = this.table.find(slug);
    return e < 0 ? undefined : linkOf(this.table.id(e), slug, this.profiles.get(this.table.profile(e)));
  }

  has(slug: string): boolean {
    return this.hot.has(slug) || this.table.find(slug) >= 0;
  }

  /**
   * Caches a link under `slug` (a string of its own: it may be kept). With `evict` false
   * a full store refuses it and returns false, so a bulk load never pushes out links that
   * clicks brought in.
   */
  set(slug: string, link: Link, evict = true): boolean {
    const hash = slugHash(slug);
    const known = this.table.find(slug, hash);
    this.hot.delete(slug);
    if (known >= 0) {
      const ref = this.profiles.acquire(link);
      this.profiles.release(this.table.profile(known));
      this.table.set(known, link.id, ref);
      return true;
    }
    if (!evict && this.full) return false;
    const ref = this.profiles.acquire(link);
    if (!this.makeRoom(evict)) {
      this.profiles.release(ref);
      return false;
    }
    this.table.insert(slug, link.id, ref, hash);
    return true;
  }

  delete(slug: string): void {
    this.hot.delete(slug);
    const e = this.table.find(slug);
    if (e >= 0) this.profiles.release(this.table.remove(e));
  }

  clear(): void {
    this.hot.clear();
    this.table.clear();
    this.profiles.clear();
  }

  /** Makes room for one more entry, evicting when allowed; false when there is none. */
  private makeRoom(evict: boolean): boolean {
    // Over budget (a new profile may have taken the last of it): evict, or refuse.
    const over = () => this.table.size >= this.maxEntries || this.bytes + SLUG_ENTRY_BYTES > this.budgetBytes;
    if (!evict && this.table.size > 0 && over()) return false;
    while (this.table.size > 0 && over()) this.evictOne();
    if (this.table.hasRoom()) return true;
    // Grow the arrays by doubling, never past what the budget left for entries allows.
    const affordable = Math.floor((this.budgetBytes - this.profiles.bytes) / SLUG_ENTRY_BYTES);
    const target = Math.min(this.table.allocated * 2, affordable, this.maxEntries);
    if (target > this.table.allocated) this.table.grow(target);
    else if (evict) this.evictOne();
    else return false;
    return true;
  }

  private evictOne(): void {
    const e = this.table.victim();
    if (e < 0) return;
    this.profiles.release(this.table.remove(e));
    // A built copy of the evicted link may stay among the hot ones: it is still right (a
    // change deletes it there too), and finding it would cost a pass over them per miss.
  }
}
