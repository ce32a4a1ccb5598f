import type { Principal } from "../auth/principal.ts";
import type { Clock } from "../clock.ts";
import type { Db } from "../db/client.ts";
import { idempotencyFrom } from "../idempotency.ts";
import { type IdempotentResult, idempotentWrite, type TransactItem } from "../idempotent-write.ts";

export interface CreateRequest {
  /** Names the operation in the key's fingerprint: one key cannot serve two kinds of create. */
  operation: string;
  input: unknown;
  idempotencyKey: string | undefined;
}

/**
 * A new record of the caller's merchant, created once per Idempotency-Key: `plan` checks and builds it
 * (nothing is written if it throws), and the record goes in one transaction with the key's stored 201
 * response, so a retried POST replays instead of creating twice.
 */
export function createOnce<B>(
  deps: { db: Db; clock: Clock },
  principal: Principal,
  request: CreateRequest,
  plan: (now: Date) => Promise<{ items: TransactItem[]; body: B }> | { items: TransactItem[]; body: B },
): Promise<IdempotentResult<B>> {
  const idempotency = idempotencyFrom(request.idempotencyKey, request.operation, request.input);
  return idempotentWrite(deps, {
    merchantId: principal.merchantId,
    idempotency,
    plan: async (now) => {
      const { items, body } = await plan(now);
      return { items, response: { status: 201, body } };
    },
  });
}
