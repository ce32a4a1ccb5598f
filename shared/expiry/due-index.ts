import { QueryCommand, type QueryCommandOutput } from "@aws-sdk/lib-dynamodb";
import type { Db } from "../db/client.ts";
import { DUE_SHARDS, duePk } from "../db/keys.ts";

/** One entry of the due index: which item (batch or inactivity deadline) of which customer, due when. */
export interface DueItem {
  pk: string;
  sk: string;
  dueAt: string;
  merchantId: string;
  customerId: string;
}

export interface DuePage {
  items: DueItem[];
  next?: Record<string, unknown>;
}

/** A page of one day-shard of the due index, for items due between `from` and `to` (ISO times). */
export async function readDuePage(
  db: Db,
  dayShard: { day: string; shard: number },
  range: { from?: string; to: string },
  startKey?: Record<string, unknown>,
): Promise<DuePage> {
  const page: QueryCommandOutput = await db.client.send(
    new QueryCommand({
      TableName: db.table,
      IndexName: "gsi5",
      KeyConditionExpression: "gsi5pk = :pk AND gsi5sk BETWEEN :from AND :to",
      ExpressionAttributeValues: {
        ":pk": duePk(dayShard.day, dayShard.shard),
        // "0" sorts before any ISO time; "\uffff" after any merchant and customer id that follow it.
        ":from": range.from ?? "0",
        ":to": `${range.to}#\uffff`,
      },
      ExclusiveStartKey: startKey,
      Limit: 200,
    }),
  );
  const items = (page.Items ?? []).map((item) => {
    const [dueAt = "", merchantId = "", customerId = ""] = String(item.gsi5sk).split("#");
    return { pk: String(item.pk), sk: String(item.sk), dueAt, merchantId, customerId };
  });
  return { items, ...(page.LastEvaluatedKey ? { next: page.LastEvaluatedKey } : {}) };
}

export const addDays = (day: string, n: number) =>
  new Date(Date.parse(`${day}T00:00:00.000Z`) + n * 86_400_000).toISOString().slice(0, 10);

/** Every (day, shard) from `first` to `last` inclusive, in order. */
export function* dayShards(first: string, last: string): Generator<{ day: string; shard: number }> {
  for (let day = first; day <= last; day = addDays(day, 1)) {
    for (let shard = 0; shard < DUE_SHARDS; shard++) yield { day, shard };
  }
}
