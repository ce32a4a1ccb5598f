import { createCustomerExport, exportBudgetMs, exportView } from "../shared/exports/exports.ts";
import { fileStoreFromEnv } from "../shared/files/file-store.ts";
import { runtimeDeps } from "../shared/runtime.ts";
import { idempotentResponse, parse, staffHandler } from "./http/api.ts";
import { CustomerPath } from "./http/params.ts";

/**
 * POST /v1/customers/{customerId}/export: everything held about the customer, as JSON (an access or
 * portability request made to the merchant); the link is in the answer, and GET /v1/exports/{id} renews it.
 */
export const handler = staffHandler(async (request, principal) => {
  const { customerId } = parse(CustomerPath, request.event.pathParameters, "path");
  const { db, clock } = runtimeDeps();
  const files = await fileStoreFromEnv();
  const write = await createCustomerExport(
    { db, clock, files, budgetMs: exportBudgetMs() },
    principal.merchantId,
    customerId,
    request.header("idempotency-key"),
    "staff",
  );
  const view = await exportView(files, write.result, clock());
  return idempotentResponse(201, { result: { export: view }, replayed: write.replayed });
});
