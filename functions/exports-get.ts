import * as z from "zod";
import { exportView, requireExport } from "../shared/exports/exports.ts";
import { fileStoreFromEnv } from "../shared/files/file-store.ts";
import { runtimeDeps } from "../shared/runtime.ts";
import { parse, staffHandler } from "./http/api.ts";
import { RecordId } from "./http/fields.ts";

export const Path = z.strictObject({ exportId: RecordId });

/** GET /v1/exports/{exportId}: the export's record and a fresh download link. */
export const handler = staffHandler(async (request, principal) => {
  const { exportId } = parse(Path, request.event.pathParameters, "path");
  const files = await fileStoreFromEnv();
  const record = await requireExport(files, principal.merchantId, exportId);
  return { status: 200, body: { export: await exportView(files, record, runtimeDeps().clock()) } };
});
