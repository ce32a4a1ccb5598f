import { bucketPoints, INACTIVITY, type Lot } from "../ledger/lots.ts";
import type { Db } from "../store/db/client.ts";
import { TransactionCancelled, transact } from "../store/db/transact.ts";
import type { DueItem } from "../store/ledger/due-index.ts";
import { readBucket } from "../store/ledger/lots.ts";
import { readDueItem, reminderMark } from "../store/ledger/reminders.ts";
import { outboxItem } from "../store/notifications/outbox.ts";

export const DEFAULT_REMINDER_DAYS = [14, 3];

const DAY_MS = 86_400_000;

/** The reminder step a due date is in: the smallest step that the days left fit under, if any. */
export function reminderStep(dueAt: string, now: Date, steps: readonly number[]): number | undefined {
  const daysLeft = (Date.parse(dueAt) - now.getTime()) / DAY_MS;
  if (daysLeft <= 0) return undefined;
  return [...steps].sort((a, b) => a - b).find((step) => daysLeft <= step);
}

/**
 * "N points will expire on D", once per lot (all of a customer's points expiring that day) or inactivity
 * deadline, and reminder step: the step is recorded on the lot in the same transaction as the outbox
 * notification, on condition it was not yet. Returns how many reminders were written.
 */
export async function remind(db: Db, due: DueItem, now: Date, steps: readonly number[]): Promise<number> {
  const found = await readDueItem(db, due);
  if (!found) return 0;
  // An inactivity deadline reminds of the points earned under it; with none left there is nothing to say.
  const underInactivity =
    found.kind === "inactivity"
      ? bucketPoints(await readBucket(db, due.merchantId, due.customerId, INACTIVITY))
      : 0;
  if (found.kind === "inactivity" && underInactivity === 0) return 0;
  const targets: { lot?: Lot; index?: number; dueAt: string; sent: number[]; points: number }[] =
    found.kind === "lots"
      ? found.lots.flatMap((lot, index) =>
          lot.expiresAt
            ? [{ lot, index, dueAt: lot.expiresAt, sent: lot.remindersSent ?? [], points: lot.points }]
            : [],
        )
      : [{ dueAt: found.deadline.dueAt, sent: found.deadline.remindersSent ?? [], points: underInactivity }];
  let written = 0;
  for (const target of targets) {
    const step = reminderStep(target.dueAt, now, steps);
    if (step === undefined || target.sent.includes(step)) continue;
    try {
      await transact(db, [
        reminderMark(
          db,
          due,
          step,
          target.lot && target.index !== undefined ? { lot: target.lot, index: target.index } : undefined,
          target.lot ? undefined : target.dueAt,
        ),
        outboxItem(db, due.merchantId, due.customerId, {
          moment: "points_expiring",
          // A day's lot is reminded once per step, whatever later earns of that day do to its exact time; an
          // inactivity deadline once per step and deadline (earning moves it, and its reminders start over).
          dedupeKey: target.lot
            ? `expiring:${target.lot.day}:${step}`
            : `expiring:inactivity:${target.dueAt}:${step}`,
          data: {
            points: target.points,
            expiresAt: target.dueAt,
            daysBefore: step,
          },
          createdAt: now.toISOString(),
        }),
      ]);
      written++;
    } catch (error) {
      // Sent meanwhile by an overlapping run, or the lot was spent: nothing to do.
      if (!(error instanceof TransactionCancelled) || error.retryable) throw error;
    }
  }
  return written;
}
