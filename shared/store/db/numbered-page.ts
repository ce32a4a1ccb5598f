import { QueryCommand } from "@aws-sdk/lib-dynamodb";
import { decodeCursor, encodeCursor, isBeforeCursor } from "../../pagination.ts";
import type { Db } from "./client.ts";

/** Items whose sort key is a prefix and a zero-padded number from 1 up: ledger entries, program versions. */
export interface NumberedItems {
  pk: string;
  prefix: string;
  /** The sort key of number n, e.g. entrySk. */
  skOf: (n: number) => string;
  /** Digits the number is padded to; a cursor with more is not one of ours. */
  digits: number;
  /** The number an item carries, e.g. its seq or version. */
  numberOf: (item: Record<string, unknown>) => number;
  consistent?: boolean;
}

/** Checked before any read, so a forged cursor is a 400 whatever else the request names. */
export const beforeOf = (items: Pick<NumberedItems, "digits">, cursor: string | undefined) =>
  cursor === undefined ? undefined : decodeCursor(cursor, isBeforeCursor(items.digits)).before;

/** One page, highest number first; the cursor is the lowest number returned, so pages never overlap. */
export async function numberedPage(
  db: Db,
  items: NumberedItems,
  page: { limit: number; cursor?: string },
): Promise<{ items: Record<string, unknown>[]; nextCursor: string | null }> {
  const before = beforeOf(items, page.cursor);
  const { Items = [] } = await db.client.send(
    new QueryCommand({
      TableName: db.table,
      KeyConditionExpression:
        before === undefined
          ? "pk = :pk AND begins_with(sk, :prefix)"
          : "pk = :pk AND sk BETWEEN :prefix AND :before",
      ExpressionAttributeValues: {
        ":pk": items.pk,
        ":prefix": items.prefix,
        ...(before === undefined ? {} : { ":before": items.skOf(before - 1) }),
      },
      ScanIndexForward: false,
      ConsistentRead: items.consistent ?? false,
      Limit: page.limit,
    }),
  );
  const last = Items.at(-1);
  const lowest = last ? items.numberOf(last) : 0;
  const nextCursor = lowest > 1 && Items.length === page.limit ? encodeCursor({ before: lowest }) : null;
  return { items: Items, nextCursor };
}
