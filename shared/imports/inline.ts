import type { Principal } from "../auth/principal.ts";
import { readImport } from "../store/imports.ts";
import type { ImportDeps } from "./import.ts";
import type { ImportRecord } from "./model.ts";
import { advanceImport } from "./run.ts";

/**
 * How long the request that starts a run goes on with it before answering: a small file is done by then;
 * a large one is left to the import job, which the answer's status and cursor say.
 */
export const INLINE_STEP_MS = 4_000;

export async function advanceInline(
  deps: ImportDeps,
  principal: Principal,
  importId: string,
  status: ImportRecord["status"],
): Promise<ImportRecord | undefined> {
  if (status !== "validating" && status !== "importing") return undefined;
  const started = Date.now();
  await advanceImport(deps, principal.merchantId, importId, {
    remainingMs: () => INLINE_STEP_MS - (Date.now() - started),
    reserveMs: 0,
  });
  return readImport(deps.db, principal.merchantId, importId);
}
