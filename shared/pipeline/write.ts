import { backoffDelayMs } from "../backoff.ts";
import { budgetFromEnv, CONTENTION_BUDGET_MS } from "../budgets.ts";
import type { Clock } from "../clock.ts";
import { UnavailableError } from "../errors.ts";
import type { Idempotency } from "../idempotency.ts";
import { logger } from "../logger.ts";
import type { Db } from "../store/db/client.ts";
import { type Backoff, defaultBackoff } from "../store/db/contention.ts";
import { type NamedItem, TransactionCancelled, transact } from "../store/db/transact.ts";
import { claimKeyItems, findStoredResult } from "../store/idempotency.ts";

export interface WriteDeps {
  db: Db;
  clock: Clock;
  backoff?: Backoff;
  /** How long contention may be retried; defaults to CONTENTION_BUDGET_MS (raised by its env var in slow tests). */
  contentionBudgetMs?: number;
}

/** What a write produced: its domain result, and whether it is the stored result of an earlier request. */
export interface WriteResult<R> {
  result: R;
  replayed: boolean;
}

/** One attempt's plan: the named items to write in one transaction, and the result they stand for. */
export interface Attempt<R> {
  items: NamedItem[];
  result: R;
}

/**
 * Thrown by an attempt whose reads do not fit together (an item newer than the record it was read after):
 * another write committed in between, and fresh reads will agree. Retried like contention.
 */
export class StaleRead extends Error {
  constructor(what: string) {
    super(`stale read: ${what}`);
    this.name = "StaleRead";
  }
}

export interface WriteOperation<C, R> {
  /** For the logs, e.g. "transactions.create". */
  name: string;
  merchantId: string;
  /** Absent for writes no client retries (the expiry job, seeding): they are safe by their own conditions. */
  idempotency?: Idempotency;
  /** Step 2: read and validate the request. Runs once, and never when the request is a replay. */
  load: () => Promise<C>;
  /**
   * `load` only reads, so it runs alongside the replay check (whose answer still wins). Leave false when
   * load has effects elsewhere (e.g. creates a coupon at its issuer).
   */
  loadReadsOnly?: boolean;
  /**
   * With loadReadsOnly: the first attempt's reads also start as soon as load is done, still alongside the
   * replay check, whose answer wins (that attempt is then dropped, whatever it found or threw). Only for an
   * attempt that reads and plans; nothing is written until the replay check has answered.
   */
  attemptAlongsideReplay?: boolean;
  /** Step 3: plan from fresh state; runs again on every retry. */
  attempt: (context: C, now: Date) => Promise<Attempt<R>>;
  /**
   * An operation's own item failed its condition: the domain error for the client (a phone number taken,
   * a claim decided meanwhile), or undefined when fresh reads and another plan can get past it.
   */
  onConditionFailed?: (name: string) => Error | undefined;
}

/**
 * The one write path: (1) the Idempotency-Key is looked up first, so a retry gets the stored result
 * whatever changed since; (2) read and validate; (3) plan from fresh state; (4) one transaction of named
 * items, the key's record among them; (5) the domain result, which the handler maps to HTTP. Contention
 * (a condition that fresh reads can get past, TransactionConflict, throttling) is retried with full-jitter
 * backoff, bounded in attempts and in time, then answered "unavailable" for the client to retry with its key.
 */
export async function runWrite<C, R>(deps: WriteDeps, op: WriteOperation<C, R>): Promise<WriteResult<R>> {
  const { db } = deps;
  const backoff = deps.backoff ?? defaultBackoff;
  const replay = async () => {
    const stored = op.idempotency && (await findStoredResult(db, op.merchantId, op.idempotency));
    return stored ? { result: stored.result as R, replayed: true } : undefined;
  };

  let context: C;
  let early: { now: Date; planned: PromiseSettledResult<Attempt<R>> } | undefined;
  if (op.loadReadsOnly) {
    const loading = op.load();
    let earlyNow: Date | undefined;
    const attempting = op.attemptAlongsideReplay
      ? loading.then((loaded) => {
          earlyNow = deps.clock();
          return op.attempt(loaded, earlyNow);
        })
      : undefined;
    const [stored, loaded, planned] = await Promise.allSettled([replay(), loading, attempting]);
    if (stored.status === "rejected") throw stored.reason;
    if (stored.value) return stored.value;
    if (loaded.status === "rejected") throw loaded.reason;
    context = loaded.value;
    if (attempting && earlyNow)
      early = { now: earlyNow, planned: planned as PromiseSettledResult<Attempt<R>> };
  } else {
    const stored = await replay();
    if (stored) return stored;
    context = await op.load();
  }

  const started = Date.now();
  const budgetMs = deps.contentionBudgetMs ?? budgetFromEnv("CONTENTION_BUDGET_MS", CONTENTION_BUDGET_MS);
  let attempt = 0;
  for (; attempt < backoff.maxAttempts; attempt++) {
    // The first attempt may have run already, alongside the replay check.
    const ran = attempt === 0 ? early : undefined;
    const now = ran?.now ?? deps.clock();
    let planned: Attempt<R>;
    try {
      if (!ran) planned = await op.attempt(context, now);
      else if (ran.planned.status === "fulfilled") planned = ran.planned.value;
      else throw ran.planned.reason;
    } catch (error) {
      if (!(error instanceof StaleRead)) throw error;
      if (Date.now() - started >= budgetMs) break;
      await backoff.sleep(backoffDelayMs(backoff, attempt + 1, backoff.random));
      continue;
    }
    const claim = op.idempotency ? claimKeyItems(db, op.merchantId, op.idempotency, planned.result, now) : [];
    try {
      await transact(db, [...claim, ...planned.items]);
      return { result: planned.result, replayed: false };
    } catch (error) {
      if (!(error instanceof TransactionCancelled)) throw error;
      // The same key was claimed meanwhile: a twin of this request, or a reuse; the replay check tells.
      if (error.has("idempotency")) {
        const stored = await replay();
        if (stored) return stored;
        continue;
      }
      for (const name of error.failed) {
        const mapped = op.onConditionFailed?.(name);
        if (mapped) throw mapped;
      }
      // Cancelled for no condition and no contention (an invalid item, one too large): no retry can succeed.
      if (error.failed.length === 0 && !error.retryable) throw error;
      if (Date.now() - started >= budgetMs) break;
      await backoff.sleep(backoffDelayMs(backoff, attempt + 1, backoff.random));
    }
  }
  logger.warn("write gave up under contention", {
    operation: op.name,
    merchantId: op.merchantId,
    attempts: Math.min(attempt + 1, backoff.maxAttempts),
    elapsedMs: Date.now() - started,
  });
  throw new UnavailableError("This account is busy; retry with the same Idempotency-Key.", 1);
}
