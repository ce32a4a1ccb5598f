import type { Clock } from "../clock.ts";
import { EXPIRY_CUSTOMER_FAILED_MESSAGE } from "../logged-failures.ts";
import { logger } from "../logger.ts";
import type { Db } from "../store/db/client.ts";
import {
  clearRetry,
  type ExpiryCheckpoint,
  listRetries,
  readCheckpoint,
  recordFailure,
  saveCheckpoint,
} from "../store/expiry-job.ts";
import { readDuePage } from "../store/ledger/due-index.ts";
import { reviewTiers } from "../tiers/review.ts";
import { addDays, dayShards } from "./due-index.ts";
import { expireCustomer } from "./expire-customer.ts";
import { DEFAULT_REMINDER_DAYS, remind } from "./reminders.ts";

export type { ExpiryCheckpoint };

export interface ExpiryRunOptions {
  now: Date;
  /** Stop (and save the checkpoint) when less than this is left; Lambda's time limit is hard. */
  remainingMs?: () => number;
  reminderDays?: readonly number[];
  /** How far back a first run looks for due items. */
  lookbackDays?: number;
}

export interface ExpiryRunResult {
  complete: boolean;
  /** Items read from the due index: grows with what is due, not with the number of customers. */
  dueItemsRead: number;
  customersExpired: number;
  /** Customers whose expiry failed this run: recorded, alarmed on AWS, tried again first by the next run. */
  customersFailed: number;
  lotsExpired: number;
  pointsExpired: number;
  /** Tier changes written by reviews whose time had come (shared/tiers/review.ts). */
  tierChanges: number;
  remindersSent: number;
  checkpoint: ExpiryCheckpoint;
}

const SAFETY_MS = 20_000;

/**
 * The scheduled expiry job: expires what is due and sends the reminders that are due, reading only the
 * due index partitions of the days concerned. Safe to run as often as wanted: expiring is idempotent
 * (spent lots leave the index) and each reminder step is recorded once per lot. A run that nears the
 * time limit saves where it stands, and the next run continues from there. One customer's failure never
 * stops the others: it is logged, recorded, and tried again first on the next run.
 */
export async function runExpiry(
  deps: { db: Db; clock: Clock },
  options: ExpiryRunOptions,
): Promise<ExpiryRunResult> {
  const { db } = deps;
  const { now } = options;
  const today = now.toISOString().slice(0, 10);
  const remaining = options.remainingMs ?? (() => Number.POSITIVE_INFINITY);
  const stored = await readCheckpoint(db);
  // A run stopped on an earlier day had read that day's shards only up to its own time: what fell due there
  // later was never read. That day is read again from its first shard (what expired has left the index);
  // a run stopped earlier today resumes where it stopped, since the next complete run starts today over.
  const start: ExpiryCheckpoint =
    stored === undefined
      ? { day: addDays(today, -(options.lookbackDays ?? 31)), shard: 0 }
      : stored.day < today
        ? { day: stored.day, shard: 0 }
        : stored;
  const result: ExpiryRunResult = {
    complete: false,
    dueItemsRead: 0,
    customersExpired: 0,
    customersFailed: 0,
    lotsExpired: 0,
    pointsExpired: 0,
    tierChanges: 0,
    remindersSent: 0,
    checkpoint: start,
  };

  for (const retry of await listRetries(db)) {
    if (remaining() < SAFETY_MS) {
      await saveCheckpoint(db, start);
      return result;
    }
    await expireOne(deps, retry, now, result, true);
  }
  for (const dayShard of dayShards(start.day, today)) {
    if (dayShard.day === start.day && dayShard.shard < start.shard) continue;
    let startKey = dayShard.day === start.day && dayShard.shard === start.shard ? start.startKey : undefined;
    do {
      if (remaining() < SAFETY_MS) {
        result.checkpoint = { ...dayShard, ...(startKey ? { startKey } : {}) };
        await saveCheckpoint(db, result.checkpoint);
        return result;
      }
      const page = await readDuePage(db, dayShard, { to: now.toISOString() }, startKey);
      result.dueItemsRead += page.items.length;
      const customers = new Map(page.items.map((item) => [`${item.merchantId}#${item.customerId}`, item]));
      for (const customer of customers.values()) await expireOne(deps, customer, now, result);
      startKey = page.next;
    } while (startKey);
  }
  // Today stays the starting day: more of it falls due as the day goes on.
  result.checkpoint = { day: today, shard: 0 };
  await saveCheckpoint(db, result.checkpoint);
  result.remindersSent = await sendReminders(
    deps,
    now,
    options.reminderDays ?? DEFAULT_REMINDER_DAYS,
    result,
    remaining,
  );
  // Reminders cut short by the time limit are sent by the next run: each step is recorded once sent.
  result.complete = remaining() >= SAFETY_MS;
  return result;
}

async function expireOne(
  deps: { db: Db; clock: Clock },
  { merchantId, customerId }: { merchantId: string; customerId: string },
  now: Date,
  result: ExpiryRunResult,
  retried = false,
): Promise<void> {
  try {
    const outcome = await expireCustomer(deps, merchantId, customerId, now);
    // The same due index lists tier reviews: a customer found there is reviewed after expiring.
    result.tierChanges += await reviewTiers(deps, merchantId, customerId, now);
    if (retried) await clearRetry(deps.db, merchantId, customerId);
    if (!outcome) return;
    result.customersExpired++;
    result.lotsExpired += outcome.lots;
    result.pointsExpired += outcome.points;
  } catch (error) {
    result.customersFailed++;
    // Ids only: the logs carry no personal data. The alarm counts this message (infra/stack/alarms.ts).
    logger.error(EXPIRY_CUSTOMER_FAILED_MESSAGE, {
      expiryCustomerFailures: 1,
      merchantId,
      customerId,
      errorName: (error as Error)?.name ?? "Error",
    });
    await recordFailure(deps.db, merchantId, customerId, error, now);
  }
}

async function sendReminders(
  deps: { db: Db },
  now: Date,
  steps: readonly number[],
  result: ExpiryRunResult,
  remaining: () => number,
): Promise<number> {
  const horizon = new Date(now.getTime() + Math.max(...steps) * 86_400_000);
  const today = now.toISOString().slice(0, 10);
  let sent = 0;
  for (const dayShard of dayShards(today, horizon.toISOString().slice(0, 10))) {
    let startKey: Record<string, unknown> | undefined;
    do {
      if (remaining() < SAFETY_MS) return sent;
      const page = await readDuePage(
        deps.db,
        dayShard,
        { from: now.toISOString(), to: horizon.toISOString() },
        startKey,
      );
      result.dueItemsRead += page.items.length;
      for (const item of page.items) sent += await remind(deps.db, item, now, steps);
      startKey = page.next;
    } while (startKey);
  }
  return sent;
}
