import { BatchGetCommand, type BatchGetCommandOutput } from "@aws-sdk/lib-dynamodb";
import { backoffDelayMs } from "../../backoff.ts";
import { UnavailableError } from "../../errors.ts";
import type { Db } from "./client.ts";
import { defaultBackoff } from "./contention.ts";

/** Asks again for keys left unprocessed (throttling) this many times, backing off, then answers 503. */
const MAX_BATCH_ATTEMPTS = 8;

export interface Key {
  pk: string;
  sk: string;
}

/**
 * The items behind index rows (keys and what the index copies), in the rows' order, as stored; rows whose
 * item is gone since are left out.
 */
export async function itemsOf(
  db: Db,
  rows: readonly Record<string, unknown>[],
): Promise<Record<string, unknown>[]> {
  const keys = rows.map((row) => ({ pk: String(row.pk), sk: String(row.sk) }));
  const found = await batchGet(db, keys);
  return keys.flatMap((k) => {
    const item = found.get(`${k.pk}|${k.sk}`);
    return item ? [item] : [];
  });
}

/**
 * Many items by key, 100 per request, asking again for keys DynamoDB left unprocessed under load (with
 * backoff, a bounded number of times: every request's own reads go through here, get-item.ts).
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
    for (let attempt = 0; pending && pending.length > 0; attempt++) {
      if (attempt >= MAX_BATCH_ATTEMPTS) {
        throw new UnavailableError("The table is busy; retry in a moment.", 1);
      }
      if (attempt > 0) await defaultBackoff.sleep(backoffDelayMs(defaultBackoff, attempt, Math.random));
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
