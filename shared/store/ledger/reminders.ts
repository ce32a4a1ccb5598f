import { GetCommand } from "@aws-sdk/lib-dynamodb";
import type { Lot } from "../../ledger/lots.ts";
import type { Db } from "../db/client.ts";
import type { NamedItem } from "../db/transact.ts";
import type { DueItem } from "./due-index.ts";
import type { InactivityDeadline } from "./inactivity.ts";

/** What a due-index entry points at: a lot bucket, or an inactivity deadline. */
export type DueTarget = { kind: "lots"; lots: Lot[] } | { kind: "inactivity"; deadline: InactivityDeadline };

export async function readDueItem(db: Db, due: DueItem): Promise<DueTarget | undefined> {
  const { Item } = await db.client.send(
    new GetCommand({ TableName: db.table, Key: { pk: due.pk, sk: due.sk }, ConsistentRead: true }),
  );
  if (!Item) return undefined;
  return Array.isArray(Item.lots)
    ? { kind: "lots", lots: Item.lots as Lot[] }
    : { kind: "inactivity", deadline: Item as unknown as InactivityDeadline };
}

/**
 * Records a reminder step on the lot (found at `index` of its bucket, still for the same day) or on the
 * inactivity deadline, on condition it was not recorded yet. Only this attribute changes: the bucket's
 * points and `rev` stay as the ledger wrote them.
 */
export function reminderMark(
  db: Db,
  due: DueItem,
  step: number,
  lot?: { lot: Lot; index: number },
  /** For an inactivity deadline: the one read, so a deadline moved meanwhile is not marked for it. */
  deadlineDueAt?: string,
): NamedItem {
  const path = lot ? `lots[${lot.index}].remindersSent` : "remindersSent";
  return {
    name: "reminder",
    item: {
      Update: {
        TableName: db.table,
        Key: { pk: due.pk, sk: due.sk },
        UpdateExpression: `SET ${path} = list_append(if_not_exists(${path}, :none), :step)`,
        ConditionExpression: lot
          ? `lots[${lot.index}].#day = :day AND NOT contains(${path}, :stepValue)`
          : `dueAt = :dueAt AND NOT contains(${path}, :stepValue)`,
        ...(lot ? { ExpressionAttributeNames: { "#day": "day" } } : {}),
        ExpressionAttributeValues: {
          ":none": [],
          ":step": [step],
          ":stepValue": step,
          ...(lot ? { ":day": lot.lot.day } : { ":dueAt": deadlineDueAt }),
        },
      },
    },
  };
}
