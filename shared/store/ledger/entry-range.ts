import { QueryCommand } from "@aws-sdk/lib-dynamodb";
import type { StoredEntry } from "../../ledger/hash-chain.ts";
import type { Db } from "../db/client.ts";
import { customerPk } from "../db/partitions.ts";
import { entrySk } from "./entries.ts";

/**
 * A run of a customer's entries, oldest first, storage attributes included: those after seq `after` up to
 * and including seq `through`, at most `limit` of them. Read consistently: the run may end a moment ago.
 * Each query asks only for what is still missing, so no more than `limit` entries are ever read.
 */
export async function readEntryRange(
  db: Db,
  merchantId: string,
  customerId: string,
  range: { after: number; through: number; limit: number },
): Promise<StoredEntry[]> {
  const entries: StoredEntry[] = [];
  let startKey: Record<string, unknown> | undefined;
  const wanted = Math.min(range.limit, Math.max(range.through - range.after, 0));
  while (entries.length < wanted) {
    const page = await db.client.send(
      new QueryCommand({
        TableName: db.table,
        KeyConditionExpression: "pk = :pk AND sk BETWEEN :from AND :to",
        ExpressionAttributeValues: {
          ":pk": customerPk(merchantId, customerId),
          ":from": entrySk(range.after + 1),
          ":to": entrySk(range.through),
        },
        ConsistentRead: true,
        Limit: wanted - entries.length,
        ExclusiveStartKey: startKey,
      }),
    );
    entries.push(...((page.Items ?? []) as StoredEntry[]));
    startKey = page.LastEvaluatedKey;
    if (!startKey) break;
  }
  return entries;
}
