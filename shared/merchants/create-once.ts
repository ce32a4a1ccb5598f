import type { Principal } from "../auth/principal.ts";
import { idempotencyFrom } from "../idempotency.ts";
import { runWrite, type WriteDeps, type WriteResult } from "../pipeline/write.ts";
import type { NamedItem } from "../store/db/transact.ts";

export interface CreateRequest {
  /** Names the operation in the key's fingerprint ("locations.create"): one key cannot serve two kinds of create. */
  operation: string;
  input: unknown;
  idempotencyKey: string | undefined;
}

export interface CreateSteps<C, B> {
  /** Reads and checks what the new record needs; reads only, and never decides a replay. */
  check: () => Promise<C>;
  /** The record's named items and what the client gets back; again on every try, with a fresh id. */
  build: (checked: C, now: Date) => { items: NamedItem[]; result: B };
}

/**
 * A new record of the caller's merchant, created once per Idempotency-Key: the key is looked up first, so
 * a retried POST gets the stored result whatever changed since; the record goes in one transaction with
 * the key's record. A new record's item fails its condition only if its id is taken: the next try builds
 * it with another.
 */
export function createOnce<C, B>(
  deps: WriteDeps,
  principal: Principal,
  request: CreateRequest,
  steps: CreateSteps<C, B>,
): Promise<WriteResult<B>> {
  return runWrite(deps, {
    name: request.operation,
    merchantId: principal.merchantId,
    idempotency: idempotencyFrom(request.idempotencyKey, request.operation, request.input),
    load: steps.check,
    loadReadsOnly: true,
    attempt: async (checked, now) => steps.build(checked, now),
  });
}
