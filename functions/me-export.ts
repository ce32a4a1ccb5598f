import { createCustomerExport, exportBudgetMs, exportView } from "../shared/exports/exports.ts";
import { fileStoreFromEnv } from "../shared/files/file-store.ts";
import { runtimeDeps } from "../shared/runtime.ts";
import { idempotentResponse, parse } from "./http/api.ts";
import { customerHandler } from "./http/customer.ts";
import { NoQuery } from "./http/params.ts";

/** POST /v1/me/export: the portal's "Download my data": everything held about the member, as JSON. */
export const handler = customerHandler(async (request, member) => {
  parse(NoQuery, request.event.queryStringParameters, "query");
  const { db, clock } = runtimeDeps();
  const files = await fileStoreFromEnv();
  const write = await createCustomerExport(
    { db, clock, files, budgetMs: exportBudgetMs() },
    member.merchantId,
    member.customerId,
    request.header("idempotency-key"),
    "member",
  );
  const { link, linkExpiresAt, createdAt, bytes } = await exportView(files, write.result, clock());
  const result = { export: { link, linkExpiresAt, createdAt, bytes } };
  return idempotentResponse(201, { result, replayed: write.replayed });
});
