import * as z from "zod";
import { createExport, EXPORT_KINDS, exportBudgetMs, exportView } from "../shared/exports/exports.ts";
import { fileStoreFromEnv } from "../shared/files/file-store.ts";
import { runtimeDeps } from "../shared/runtime.ts";
import { idempotentResponse, parse, staffHandler } from "./http/api.ts";
import { InstantOrDate } from "./http/fields.ts";

export const Body = z
  .strictObject({
    kind: z.enum(EXPORT_KINDS),
    from: InstantOrDate.optional(),
    to: InstantOrDate.optional(),
  })
  .refine((body) => !body.from || !body.to || body.from <= body.to, {
    message: "must not be after 'to'",
    path: ["from"],
  })
  .refine((body) => body.kind === "activity" || (!body.from && !body.to), {
    message: "only an activity export takes a date range",
    path: ["from"],
  });

/**
 * POST /v1/exports: a CSV of the members or of the activity log, produced now when it fits the request's
 * budget (201, its link in the answer), else handed to the export job (202 `running`: GET it until `ready`).
 */
export const handler = staffHandler(async (request, principal) => {
  const body = parse(Body, request.json(), "body");
  const { db, clock } = runtimeDeps();
  const files = await fileStoreFromEnv();
  const write = await createExport(
    { db, clock, files, budgetMs: exportBudgetMs() },
    principal,
    body,
    request.header("idempotency-key"),
  );
  const view = await exportView(files, write.result, clock());
  const status = write.result.status === "running" ? 202 : 201;
  return idempotentResponse(status, { result: { export: view }, replayed: write.replayed });
});
