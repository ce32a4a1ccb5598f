import { type Clock, systemClock } from "../clock.ts";

/**
 * How stale a cached location or program may be: a change made by another function's container reaches
 * earns within this time. The entry records the program version it applied, so an earn computed with the
 * previous version during that window still explains itself.
 */
export const DIRECTORY_CACHE_TTL_MS = 30_000;

/** A container serves a handful of merchants; past this, the least recently used entries leave. */
export const DIRECTORY_CACHE_MAX_ENTRIES = 1_000;

export type DirectoryKind = "location" | "program";

export interface DirectoryCacheOptions {
  clock: Clock;
  ttlMs?: number;
  maxEntries?: number;
}

interface Slot {
  value: Promise<unknown>;
  expiresAt: number;
}

/**
 * Records of a merchant that change rarely and that an earn reads every time (its location and program),
 * kept for DIRECTORY_CACHE_TTL_MS per (merchant, kind, id). Only found records are kept, so a record made a
 * moment ago is found at once; a failed read is not kept either. Concurrent misses share one read.
 */
export class DirectoryCache {
  readonly #slots = new Map<string, Slot>();
  readonly #clock: Clock;
  readonly #ttlMs: number;
  readonly #maxEntries: number;

  constructor(options: DirectoryCacheOptions) {
    this.#clock = options.clock;
    this.#ttlMs = options.ttlMs ?? DIRECTORY_CACHE_TTL_MS;
    this.#maxEntries = options.maxEntries ?? DIRECTORY_CACHE_MAX_ENTRIES;
  }

  get size(): number {
    return this.#slots.size;
  }

  get<T>(
    merchantId: string,
    kind: DirectoryKind,
    id: string,
    read: () => Promise<T | undefined>,
  ): Promise<T | undefined> {
    const key = JSON.stringify([merchantId, kind, id]);
    const now = this.#clock().getTime();
    const slot = this.#slots.get(key);
    if (slot && slot.expiresAt > now) {
      // Re-inserted so that Map order is least recently used first.
      this.#slots.delete(key);
      this.#slots.set(key, slot);
      return slot.value as Promise<T | undefined>;
    }
    const value = read();
    const fresh: Slot = { value, expiresAt: now + this.#ttlMs };
    this.#slots.delete(key);
    this.#slots.set(key, fresh);
    const drop = () => {
      if (this.#slots.get(key) === fresh) this.#slots.delete(key);
    };
    value.then((found) => found === undefined && drop(), drop);
    while (this.#slots.size > this.#maxEntries) {
      const oldest = this.#slots.keys().next().value as string;
      this.#slots.delete(oldest);
    }
    return value;
  }

  /** A new table in the same process (the benchmarks' fresh stack per section) starts with nothing kept. */
  clear(): void {
    this.#slots.clear();
  }

  /** After a write in this container, so that its own next request sees the change. */
  forget(merchantId: string, kind: DirectoryKind, id: string): void {
    this.#slots.delete(JSON.stringify([merchantId, kind, id]));
  }
}

/** The container's cache: module state lives as long as the Lambda container does. */
export const containerDirectory = new DirectoryCache({ clock: systemClock });
