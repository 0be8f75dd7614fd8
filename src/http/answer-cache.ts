/**
 * Answers kept between requests, each under a key that names everything the answer depends on
 * (the caller's key must include the database's state, src/directus/database-state.ts), for at most
 * `ttlMs`: what moves with the clock alone (hours in a state, a case crossing its risk threshold) is
 * at most that old. Bounded by entries and by bytes, the least recently used going first. Requests
 * for a key being computed wait for that computation instead of starting their own; a failure is
 * handed to each of them and kept by nobody.
 */
export interface AnswerCacheOptions {
  ttlMs: number;
  maxEntries: number;
  maxBytes: number;
  clock?: () => number;
}

export interface CachedAnswer {
  /** The answer as JSON text, as it goes out. */
  json: string;
  /** `hit`: kept from an earlier request; `shared`: computed for a request that was already asking; `computed`: for this one. */
  source: 'hit' | 'shared' | 'computed';
}

interface Entry {
  json: string;
  at: number;
}

export class AnswerCache {
  readonly #options: Required<AnswerCacheOptions>;
  readonly #entries = new Map<string, Entry>();
  readonly #pending = new Map<string, Promise<string>>();
  #bytes = 0;

  constructor(options: AnswerCacheOptions) {
    this.#options = { clock: Date.now, ...options };
  }

  get enabled(): boolean {
    return this.#options.ttlMs > 0 && this.#options.maxEntries > 0;
  }

  get size(): { entries: number; bytes: number } {
    return { entries: this.#entries.size, bytes: this.#bytes };
  }

  /**
   * The answer under `key`, kept or from `compute` (whose value must be JSON-serialisable). `fresh`:
   * computed now whatever is kept (a caller who asked for it), and kept in place of the old one.
   */
  async answer(key: string, compute: () => Promise<unknown>, options: { fresh?: boolean } = {}): Promise<CachedAnswer> {
    if (!this.enabled) return { json: JSON.stringify(await compute()), source: 'computed' };
    const kept = options.fresh === true ? undefined : this.#entries.get(key);
    if (kept !== undefined) {
      if (this.#options.clock() - kept.at < this.#options.ttlMs) {
        // Most recently used goes last: Map keeps insertion order.
        this.#entries.delete(key);
        this.#entries.set(key, kept);
        return { json: kept.json, source: 'hit' };
      }
      this.#drop(key);
    }
    const pending = options.fresh === true ? undefined : this.#pending.get(key);
    if (pending !== undefined) return { json: await pending, source: 'shared' };
    const at = this.#options.clock();
    const computing = compute().then((value) => JSON.stringify(value));
    this.#pending.set(key, computing);
    try {
      const json = await computing;
      this.#keep(key, { json, at });
      return { json, source: 'computed' };
    } finally {
      if (this.#pending.get(key) === computing) this.#pending.delete(key);
    }
  }

  clear(): void {
    this.#entries.clear();
    this.#bytes = 0;
  }

  #keep(key: string, entry: Entry): void {
    // Two bytes a UTF-16 code unit: what the text takes in memory, near enough.
    const bytes = 2 * (entry.json.length + key.length);
    if (bytes > this.#options.maxBytes) return;
    this.#drop(key);
    this.#entries.set(key, entry);
    this.#bytes += bytes;
    for (const [oldest] of this.#entries) {
      if (this.#entries.size <= this.#options.maxEntries && this.#bytes <= this.#options.maxBytes) break;
      this.#drop(oldest);
    }
  }

  #drop(key: string): void {
    const entry = this.#entries.get(key);
    if (entry === undefined) return;
    this.#entries.delete(key);
    this.#bytes -= 2 * (entry.json.length + key.length);
  }
}
