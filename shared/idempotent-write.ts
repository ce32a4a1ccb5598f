import type { TransactWriteCommandInput } from "@aws-sdk/lib-dynamodb";
import { TransactWriteCommand } from "@aws-sdk/lib-dynamodb";
import type { Clock } from "./clock.ts";
import type { Db } from "./db/client.ts";
import { cancellationCodes } from "./db/contention.ts";
import {
  findStoredResponse,
  type Idempotency,
  type StoredResponse,
  storeResponseItem,
} from "./idempotency.ts";

export type TransactItem = NonNullable<TransactWriteCommandInput["TransactItems"]>[number];

export interface WritePlan<R> {
  items: TransactItem[];
  response: { status: number; body: R };
}

export interface IdempotentResult<R> {
  status: number;
  body: R;
  replayed: boolean;
}

/**
 * A write that is not a ledger entry (a customer, a location…): the items and the Idempotency-Key record
 * go in one transaction, so a retried request replays the first response instead of writing twice.
 * `onConditionFailed` turns a failed condition on one of the items (by its index in `items`) into the
 * error the client should see, e.g. a 409 for a phone number already in use.
 */
export async function idempotentWrite<R>(
  deps: { db: Db; clock: Clock },
  request: {
    merchantId: string;
    /** Absent for internal writes that have no client to retry them (e.g. seeding demo data). */
    idempotency?: Idempotency;
    plan: (now: Date) => Promise<WritePlan<R>> | WritePlan<R>;
    onConditionFailed?: (itemIndex: number) => Error | undefined;
  },
): Promise<IdempotentResult<R>> {
  const { db } = deps;
  const { idempotency } = request;
  // Two rounds at most: the second only replays what a concurrent twin of this request stored.
  for (let round = 0; round < 2; round++) {
    const stored = idempotency && (await findStoredResponse(db, request.merchantId, idempotency));
    if (stored) return { ...(stored as StoredResponse & { body: R }), replayed: true };
    const now = deps.clock();
    const plan = await request.plan(now);
    const claim = idempotency
      ? [storeResponseItem(db, request.merchantId, idempotency, plan.response, now)]
      : [];
    try {
      await db.client.send(new TransactWriteCommand({ TransactItems: [...claim, ...plan.items] }));
      return { ...plan.response, replayed: false };
    } catch (error) {
      const codes = cancellationCodes(error);
      if (!codes) throw error;
      if (claim.length > 0 && codes[0] === "ConditionalCheckFailed") continue;
      const failed = codes.findIndex((code, i) => i >= claim.length && code === "ConditionalCheckFailed");
      const mapped = failed >= 0 ? request.onConditionFailed?.(failed - claim.length) : undefined;
      throw mapped ?? error;
    }
  }
  throw new Error("idempotency record vanished between write and read");
}
