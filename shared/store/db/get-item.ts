import { GetCommand } from "@aws-sdk/lib-dynamodb";
import { batchGet, type Key } from "./batch-get.ts";
import type { Db } from "./client.ts";

interface Waiting {
  key: Key;
  consistent: boolean;
  resolve: (item: Record<string, unknown> | undefined) => void;
  reject: (error: unknown) => void;
}

/** Taken at load: a test's fake timers must not hold every read back. */
const nextTurn = setImmediate;

/** The reads asked for on a client and table since its last send, until the event loop's next turn. */
const pending = new WeakMap<Db["client"], Map<string, Waiting[]>>();

/**
 * One item by key. Reads asked for in the same turn of the event loop — those under one `Promise.all`, and
 * those their callbacks reach without waiting on I/O (the replay check, the customer and its lot of an earn
 * whose location and program are cached) — go to DynamoDB as one BatchGetItem: one call a round instead of
 * one per item, the per-call work (signing, a round trip) being what an earn spends most on
 * (README "Performance"). A read alone is a GetItem, as before. One consistent read makes the whole batch
 * consistent (a write's plan must not miss what committed just before; the others pay half a unit more).
 */
export function getItem(
  db: Db,
  key: Key,
  options: { consistent?: boolean } = {},
): Promise<Record<string, unknown> | undefined> {
  return new Promise((resolve, reject) => {
    let tables = pending.get(db.client);
    if (!tables) {
      tables = new Map();
      pending.set(db.client, tables);
      // After the promise callbacks now queued, so the reads they start join this batch.
      nextTurn(() => {
        pending.delete(db.client);
        for (const [table, waiting] of tables ?? []) void send({ client: db.client, table }, waiting);
      });
    }
    const waiting = tables.get(db.table) ?? [];
    tables.set(db.table, waiting);
    waiting.push({
      key: { pk: key.pk, sk: key.sk },
      consistent: options.consistent ?? false,
      resolve,
      reject,
    });
  });
}

async function send(db: Db, waiting: readonly Waiting[]) {
  const consistent = waiting.some((w) => w.consistent);
  try {
    const [only, ...others] = waiting;
    if (only && others.every((w) => w.key.pk === only.key.pk && w.key.sk === only.key.sk)) {
      const { Item } = await db.client.send(
        new GetCommand({
          TableName: db.table,
          Key: only.key,
          ...(consistent ? { ConsistentRead: true } : {}),
        }),
      );
      for (const w of waiting) w.resolve(Item);
      return;
    }
    const found = await batchGet(
      db,
      waiting.map((w) => w.key),
      { consistent },
    );
    for (const w of waiting) w.resolve(found.get(`${w.key.pk}|${w.key.sk}`));
  } catch (error) {
    for (const w of waiting) w.reject(error);
  }
}
