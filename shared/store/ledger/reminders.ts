import { GetCommand } from "@aws-sdk/lib-dynamodb";
import type { Lot } from "../../ledger/lots.ts";
import type { Db } from "../db/client.ts";
import type { NamedItem } from "../db/transact.ts";
import type { DueItem } from "./due-index.ts";
import type { InactivityDeadline } from "./inactivity.ts";
import { LOT_PREFIX, lotOfItem } from "./lots.ts";

/** What a due-index entry points at: a dated lot, or an inactivity deadline. */
export type DueTarget = { kind: "lot"; lot: Lot } | { kind: "inactivity"; deadline: InactivityDeadline };

export async function readDueItem(db: Db, due: DueItem): Promise<DueTarget | undefined> {
  const { Item } = await db.client.send(
    new GetCommand({ TableName: db.table, Key: { pk: due.pk, sk: due.sk }, ConsistentRead: true }),
  );
  if (!Item) return undefined;
  return String(Item.sk).startsWith(LOT_PREFIX)
    ? { kind: "lot", lot: lotOfItem(Item) }
    : { kind: "inactivity", deadline: Item as unknown as InactivityDeadline };
}

/**
 * Records a reminder step on the lot (while it exists) or on the inactivity deadline, on condition it was
 * not recorded yet. Only this attribute changes: the lot's points and `rev` stay as the ledger wrote them,
 * and a ledger write updates only its own attributes, so it never drops a mark.
 */
export function reminderMark(
  db: Db,
  due: DueItem,
  step: number,
  /** For an inactivity deadline: the one read, so a deadline moved meanwhile is not marked for it. */
  deadlineDueAt?: string,
): NamedItem {
  return {
    name: "reminder",
    item: {
      Update: {
        TableName: db.table,
        Key: { pk: due.pk, sk: due.sk },
        UpdateExpression: "SET #sent = list_append(if_not_exists(#sent, :none), :step)",
        ConditionExpression:
          deadlineDueAt === undefined
            ? "attribute_exists(pk) AND NOT contains(#sent, :stepValue)"
            : "dueAt = :dueAt AND NOT contains(#sent, :stepValue)",
        ExpressionAttributeNames: { "#sent": "remindersSent" },
        ExpressionAttributeValues: {
          ":none": [],
          ":step": [step],
          ":stepValue": step,
          ...(deadlineDueAt === undefined ? {} : { ":dueAt": deadlineDueAt }),
        },
      },
    },
  };
}
