import { INACTIVITY } from "../ledger/lots.ts";
import type { Db } from "../store/db/client.ts";
import { TransactionCancelled, transact } from "../store/db/transact.ts";
import type { DueItem } from "../store/ledger/due-index.ts";
import { readDueItem, reminderMark } from "../store/ledger/reminders.ts";
import { outboxItem } from "../store/notifications/outbox.ts";
import { pointsLeftIn } from "./held-lots.ts";

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
 * notification, on condition it was not yet. N is what is left of the lot once what was spent is charged
 * to the soonest lots; a lot spent in full reminds of nothing. Returns how many reminders were written.
 */
export async function remind(db: Db, due: DueItem, now: Date, steps: readonly number[]): Promise<number> {
  const found = await readDueItem(db, due);
  if (!found) return 0;
  const target =
    found.kind === "lot"
      ? { day: found.lot.key, dueAt: found.lot.expiresAt, sent: found.lot.remindersSent ?? [] }
      : { day: undefined, dueAt: found.deadline.dueAt, sent: found.deadline.remindersSent ?? [] };
  if (target.dueAt === undefined) return 0;
  const step = reminderStep(target.dueAt, now, steps);
  if (step === undefined || target.sent.includes(step)) return 0;
  // An inactivity deadline reminds of the points earned under it; with none left there is nothing to say.
  const points = await pointsLeftIn(db, due.merchantId, due.customerId, target.day ?? INACTIVITY);
  if (points === 0) return 0;
  try {
    await transact(db, [
      reminderMark(db, due, step, target.day === undefined ? target.dueAt : undefined),
      outboxItem(db, due.merchantId, due.customerId, {
        moment: "points_expiring",
        // A day's lot is reminded once per step, whatever later earns of that day do to its exact time; an
        // inactivity deadline once per step and deadline (earning moves it, and its reminders start over).
        dedupeKey:
          target.day !== undefined
            ? `expiring:${target.day}:${step}`
            : `expiring:inactivity:${target.dueAt}:${step}`,
        data: { points, expiresAt: target.dueAt, daysBefore: step },
        createdAt: now.toISOString(),
      }),
    ]);
    return 1;
  } catch (error) {
    // Sent meanwhile by an overlapping run, or the lot left: nothing to do.
    if (!(error instanceof TransactionCancelled) || error.retryable) throw error;
    return 0;
  }
}
