import { GetCommand, PutCommand } from "@aws-sdk/lib-dynamodb";
import type { Clock } from "../clock.ts";
import type { Db } from "../db/client.ts";
import { jobCheckpointPk, jobCheckpointSk } from "../db/keys.ts";
import { addDays, type DueItem, dayShards, readDuePage } from "./due-index.ts";
import { expireCustomer } from "./expire-customer.ts";
import { DEFAULT_REMINDER_DAYS, remind } from "./reminders.ts";

/** Where an interrupted run resumes: the first day-shard not finished, and the page within it. */
export interface ExpiryCheckpoint {
  day: string;
  shard: number;
  startKey?: Record<string, unknown>;
}

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
  batchesExpired: number;
  pointsExpired: number;
  remindersSent: number;
  checkpoint: ExpiryCheckpoint;
}

const JOB = "expiry";
const SAFETY_MS = 20_000;

/**
 * The scheduled expiry job: expires what is due and sends the reminders that are due, reading only the
 * due index partitions of the days concerned. Safe to run as often as wanted: expiring is idempotent
 * (spent batches leave the index) and each reminder step is recorded once per batch. A run that nears the
 * time limit saves where it stands, and the next run continues from there.
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
  const start: ExpiryCheckpoint = stored ?? { day: addDays(today, -(options.lookbackDays ?? 31)), shard: 0 };
  const result: ExpiryRunResult = {
    complete: false,
    dueItemsRead: 0,
    customersExpired: 0,
    batchesExpired: 0,
    pointsExpired: 0,
    remindersSent: 0,
    checkpoint: start,
  };

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
      await expireAll(deps, page.items, now, result);
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
  );
  result.complete = true;
  return result;
}

async function expireAll(
  deps: { db: Db; clock: Clock },
  items: DueItem[],
  now: Date,
  result: ExpiryRunResult,
) {
  const customers = new Map(items.map((item) => [`${item.merchantId}#${item.customerId}`, item]));
  for (const { merchantId, customerId } of customers.values()) {
    const outcome = await expireCustomer(deps, merchantId, customerId, now);
    if (!outcome) continue;
    result.customersExpired++;
    result.batchesExpired += outcome.batches;
    result.pointsExpired += outcome.points;
  }
}

async function sendReminders(
  deps: { db: Db },
  now: Date,
  steps: readonly number[],
  result: ExpiryRunResult,
): Promise<number> {
  const horizon = new Date(now.getTime() + Math.max(...steps) * 86_400_000);
  const today = now.toISOString().slice(0, 10);
  let sent = 0;
  for (const dayShard of dayShards(today, horizon.toISOString().slice(0, 10))) {
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await readDuePage(
        deps.db,
        dayShard,
        { from: now.toISOString(), to: horizon.toISOString() },
        startKey,
      );
      result.dueItemsRead += page.items.length;
      for (const item of page.items) if (await remind(deps.db, item, now, steps)) sent++;
      startKey = page.next;
    } while (startKey);
  }
  return sent;
}

async function readCheckpoint(db: Db): Promise<ExpiryCheckpoint | undefined> {
  const { Item } = await db.client.send(
    new GetCommand({
      TableName: db.table,
      Key: { pk: jobCheckpointPk(JOB), sk: jobCheckpointSk() },
      ConsistentRead: true,
    }),
  );
  return Item?.checkpoint as ExpiryCheckpoint | undefined;
}

async function saveCheckpoint(db: Db, checkpoint: ExpiryCheckpoint): Promise<void> {
  await db.client.send(
    new PutCommand({
      TableName: db.table,
      Item: { pk: jobCheckpointPk(JOB), sk: jobCheckpointSk(), checkpoint },
    }),
  );
}
