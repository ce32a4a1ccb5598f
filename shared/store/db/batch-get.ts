import { BatchGetCommand, type BatchGetCommandOutput } from "@aws-sdk/lib-dynamodb";
import type { Db } from "./client.ts";

export interface Key {
  pk: string;
  sk: string;
}

/**
 * Many items by key, 100 per request, asking again for keys DynamoDB left unprocessed under load.
 * Returns them by "pk|sk"; missing items are simply absent.
 */
export async function batchGet(
  db: Db,
  keys: readonly Key[],
  options: { consistent?: boolean } = {},
): Promise<Map<string, Record<string, unknown>>> {
  const found = new Map<string, Record<string, unknown>>();
  const unique = [...new Map(keys.map((k) => [`${k.pk}|${k.sk}`, k])).values()];
  for (let i = 0; i < unique.length; i += 100) {
    let pending: Record<string, unknown>[] | undefined = unique
      .slice(i, i + 100)
      .map((k) => ({ pk: k.pk, sk: k.sk }));
    while (pending && pending.length > 0) {
      const result: BatchGetCommandOutput = await db.client.send(
        new BatchGetCommand({
          RequestItems: {
            [db.table]: { Keys: pending, ...(options.consistent ? { ConsistentRead: true } : {}) },
          },
        }),
      );
      for (const item of result.Responses?.[db.table] ?? []) found.set(`${item.pk}|${item.sk}`, item);
      pending = result.UnprocessedKeys?.[db.table]?.Keys;
    }
  }
  return found;
}
