import type { Idempotency } from "../../shared/idempotency.ts";
import type { Db } from "../../shared/store/db/client.ts";
import { claimKeyItem } from "../../shared/store/idempotency.ts";

/** A key's stored record as the store writes it (its answer compressed), for a faked read to return. */
export function storedAnswer(idempotency: Idempotency, result: unknown): Record<string, unknown> {
  const db = { table: "faked" } as Db;
  const put = claimKeyItem(db, "m1", idempotency, result, new Date()).item.Put as {
    Item: Record<string, unknown>;
  };
  return put.Item;
}
