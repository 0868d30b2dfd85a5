/**
 * Slugs to entries without a JS object per entry. A million cached links as objects cost
 * V8 a few hundred bytes each and make every full collection mark them all; here an entry
 * is a row across typed arrays (outside the V8 heap, never scanned by the collector): its
 * slug's characters, the slug's hash, the link's id, a reference to its shared profile
 * (link-profiles.ts) and a CLOCK bit. The index is an open-addressing table with linear
 * probing over entry numbers.
 *
 * Eviction is CLOCK (second chance): a hit sets the entry's bit; the hand clears set bits
 * as it passes and evicts the first entry whose bit is clear. It approximates LRU with one
 * byte per entry instead of two list pointers, and a hit writes one byte instead of moving
 * an entry to the front of a list.
 */

import { fmix32 } from '../shared/fmix32.ts';
/** Slugs up to this many characters (each under 256) are kept inline; longer ones as strings. */
const INLINE_CHARS = 16;
/** A slug too long (or with characters too wide) to keep inline; its string is in `long`. */
const LONG = 255;
/** The index table has at least this many slots per entry: few probes per lookup. */
const SLOTS_PER_ENTRY = 1 / 0.7;
const FREE = -1;

/** Bytes an entry takes: its row in the typed arrays and its share of the index. */
export const SLUG_ENTRY_BYTES = INLINE_CHARS + 1 + 4 + 8 + 4 + 1 + Math.ceil(4 * SLOTS_PER_ENTRY);
/** A long slug's string and its Map entry, on top of SLUG_ENTRY_BYTES. */
export const longSlugBytes = (slug: string) => 16 + Math.ceil((slug.length * 2) / 8) * 8 + 48;

/** FNV-1a over the UTF-16 code units, then murmur3's finaliser so the high bits are mixed too. */
export function slugHash(slug: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < slug.length; i++) h = Math.imul(h ^ slug.charCodeAt(i), 0x01000193);
  return fmix32(h);
}

function fitsInline(slug: string): boolean {
  if (slug.length > INLINE_CHARS) return false;
  for (let i = 0; i < slug.length; i++) if (slug.charCodeAt(i) > 255) return false;
  return true;
}

export class SlugTable {
  private capacity = 0;
  private live = 0;
  /** Entries never used yet start here; freed ones go to `free`. */
  private fresh = 0;
  private free: number[] = [];
  private hand = 0;
  private chars = new Uint8Array(0);
  private lengths = new Uint8Array(0);
  private hashes = new Uint32Array(0);
  private ids = new Float64Array(0);
  private profileRefs = new Int32Array(0);
  private visited = new Uint8Array(0);
  private long = new Map<number, string>();
  private longBytes = 0;
  /** Entry number + 1 per slot; 0 is an empty slot. */
  private slots = new Int32Array(0);

  constructor(initialCapacity = 1024) {
    this.resize(initialCapacity);
  }

  get size(): number {
    return this.live;
  }

  get allocated(): number {
    return this.capacity;
  }

  /** Memory of the live entries (their rows and index share, long slugs' strings). */
  get bytes(): number {
    return this.live * SLUG_ENTRY_BYTES + this.longBytes;
  }

  /** The slug's entry, or -1. */
  find(slug: string, hash = slugHash(slug)): number {
    const slots = this.slots;
    const n = slots.length;
    let i = this.home(hash);
    for (;;) {
      const v = slots[i]!;
      if (v === 0) return -1;
      const e = v - 1;
      if (this.hashes[e] === hash && this.matches(e, slug)) return e;
      if (++i === n) i = 0;
    }
  }

  /** Marks an entry as used, so the clock passes it over once. */
  touch(entry: number): void {
    this.visited[entry] = 1;
  }

  wasTouched(entry: number): boolean {
    return this.visited[entry] === 1;
  }

  id(entry: number): number {
    return this.ids[entry]!;
  }

  profile(entry: number): number {
    return this.profileRefs[entry]!;
  }

  set(entry: number, id: number, profile: number): void {
    this.ids[entry] = id;
    this.profileRefs[entry] = profile;
  }

  /** True when an entry can be added without growing past `capacity` entries. */
  hasRoom(): boolean {
    return this.free.length > 0 || this.fresh < this.capacity;
  }

  /** Grows the arrays to `capacity` entries (never shrinks). */
  grow(capacity: number): void {
    if (capacity > this.capacity) this.resize(capacity);
  }

  /** Adds a slug known to be absent (find said -1); the caller made room. */
  insert(slug: string, id: number, profile: number, hash = slugHash(slug)): number {
    const e = this.free.length > 0 ? this.free.pop()! : this.fresh++;
    if (e >= this.capacity) throw new Error('slug table full: make room first');
    this.hashes[e] = hash;
    this.ids[e] = id;
    this.profileRefs[e] = profile;
    this.visited[e] = 0;
    if (fitsInline(slug)) {
      this.lengths[e] = slug.length;
      const at = e * INLINE_CHARS;
      for (let i = 0; i < slug.length; i++) this.chars[at + i] = slug.charCodeAt(i);
    } else {
      this.lengths[e] = LONG;
      this.long.set(e, slug);
      this.longBytes += longSlugBytes(slug);
    }
    this.place(e, hash);
    this.live++;
    return e;
  }

  /** Removes an entry; returns its profile reference (to release). */
  remove(entry: number): number {
    const profile = this.profileRefs[entry]!;
    this.unplace(entry);
    if (this.lengths[entry] === LONG) {
      this.longBytes -= longSlugBytes(this.long.get(entry)!);
      this.long.delete(entry);
    }
    this.profileRefs[entry] = FREE;
    this.free.push(entry);
    this.live--;
    return profile;
  }

  /** The entry the clock hand picks to evict (live entries only); -1 when empty. */
  victim(): number {
    if (this.live === 0) return -1;
    // Two sweeps at most: the first clears every bit it passes.
    for (;;) {
      const e = this.hand;
      this.hand = e + 1 >= this.fresh ? 0 : e + 1;
      if (this.profileRefs[e] === FREE) continue;
      if (this.visited[e] === 1) {
        this.visited[e] = 0;
        continue;
      }
      return e;
    }
  }

  /** Every live entry's number, for a caller that releases their profiles. */
  *entries(): Generator<number> {
    for (let e = 0; e < this.fresh; e++) if (this.profileRefs[e] !== FREE) yield e;
  }

  clear(): void {
    this.live = 0;
    this.fresh = 0;
    this.free = [];
    this.hand = 0;
    this.long.clear();
    this.longBytes = 0;
    this.slots.fill(0);
    this.profileRefs.fill(FREE);
  }

  private matches(e: number, slug: string): boolean {
    const length = this.lengths[e]!;
    if (length === LONG) return this.long.get(e) === slug;
    if (length !== slug.length) return false;
    const at = e * INLINE_CHARS;
    for (let i = 0; i < length; i++) if (this.chars[at + i] !== slug.charCodeAt(i)) return false;
    return true;
  }

  /** The slot a hash starts probing at: the hash scaled to the table (no power of two needed). */
  private home(hash: number): number {
    return Math.floor((hash * this.slots.length) / 4294967296);
  }

  private place(e: number, hash: number): void {
    const slots = this.slots;
    let i = this.home(hash);
    while (slots[i] !== 0) if (++i === slots.length) i = 0;
    slots[i] = e + 1;
  }

  /** Linear probing's deletion: later entries of the run move back, so no tombstones pile up. */
  private unplace(e: number): void {
    const slots = this.slots;
    const n = slots.length;
    let hole = this.home(this.hashes[e]!);
    while (slots[hole] !== e + 1) if (++hole === n) hole = 0;
    let j = hole;
    for (;;) {
      if (++j === n) j = 0;
      const v = slots[j]!;
      if (v === 0) break;
      const k = this.home(this.hashes[v - 1]!);
      // The entry at j may move to the hole unless its home lies cyclically in (hole, j].
      const stays = hole <= j ? hole < k && k <= j : hole < k || k <= j;
      if (!stays) {
        slots[hole] = v;
        hole = j;
      }
    }
    slots[hole] = 0;
  }

  private resize(capacity: number): void {
    const copy = <T extends Uint8Array | Uint32Array | Float64Array | Int32Array>(old: T, next: T): T => {
      next.set(old);
      return next;
    };
    this.chars = copy(this.chars, new Uint8Array(capacity * INLINE_CHARS));
    this.lengths = copy(this.lengths, new Uint8Array(capacity));
    this.hashes = copy(this.hashes, new Uint32Array(capacity));
    this.ids = copy(this.ids, new Float64Array(capacity));
    const refs = new Int32Array(capacity).fill(FREE);
    refs.set(this.profileRefs);
    this.profileRefs = refs;
    this.visited = copy(this.visited, new Uint8Array(capacity));
    this.capacity = capacity;
    this.slots = new Int32Array(Math.ceil(capacity * SLOTS_PER_ENTRY) + 1);
    for (let e = 0; e < this.fresh; e++) if (this.profileRefs[e] !== FREE) this.place(e, this.hashes[e]!);
  }
}
