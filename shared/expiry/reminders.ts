import { GetCommand, TransactWriteCommand } from "@aws-sdk/lib-dynamodb";
import type { Db } from "../db/client.ts";
import { cancellationCodes } from "../db/contention.ts";
import { outboxItem } from "../notifications/outbox.ts";
import type { DueItem } from "./due-index.ts";

export const DEFAULT_REMINDER_DAYS = [14, 3];

const DAY_MS = 86_400_000;

/** The reminder step a due date is in: the smallest step that the days left fit under, if any. */
export function reminderStep(dueAt: string, now: Date, steps: readonly number[]): number | undefined {
  const daysLeft = (Date.parse(dueAt) - now.getTime()) / DAY_MS;
  if (daysLeft <= 0) return undefined;
  return [...steps].sort((a, b) => a - b).find((step) => daysLeft <= step);
}

/**
 * "N points will expire on D", once per batch (or inactivity deadline) and reminder step: the step is
 * recorded on the item in the same transaction as the outbox notification, on condition it was not yet.
 * Returns whether a reminder was written.
 */
export async function remind(db: Db, due: DueItem, now: Date, steps: readonly number[]): Promise<boolean> {
  const step = reminderStep(due.dueAt, now, steps);
  if (step === undefined) return false;
  const { Item } = await db.client.send(
    new GetCommand({ TableName: db.table, Key: { pk: due.pk, sk: due.sk } }),
  );
  if (!Item) return false;
  const sent = (Item.remindersSent as number[] | undefined) ?? [];
  if (sent.includes(step)) return false;
  // A batch reminds of what is left in it; an inactivity deadline of the whole balance.
  const points = typeof Item.remaining === "number" ? Item.remaining : undefined;
  const inactivity = points === undefined;
  try {
    await db.client.send(
      new TransactWriteCommand({
        TransactItems: [
          {
            Update: {
              TableName: db.table,
              Key: { pk: due.pk, sk: due.sk },
              UpdateExpression: "SET remindersSent = list_append(if_not_exists(remindersSent, :none), :step)",
              ConditionExpression: "attribute_exists(pk) AND NOT contains(remindersSent, :stepValue)",
              ExpressionAttributeValues: { ":none": [], ":step": [step], ":stepValue": step },
            },
          },
          outboxItem(db, due.merchantId, due.customerId, {
            moment: "points_expiring",
            dedupeKey: `expiring:${due.sk}:${due.dueAt}:${step}`,
            data: {
              ...(inactivity ? { wholeBalance: 1 } : { points: points as number }),
              expiresAt: due.dueAt,
              daysBefore: step,
            },
            createdAt: now.toISOString(),
          }),
        ],
      }),
    );
    return true;
  } catch (error) {
    // Sent meanwhile by an overlapping run, or the batch was spent: nothing to do.
    if (cancellationCodes(error)?.includes("ConditionalCheckFailed")) return false;
    throw error;
  }
}
