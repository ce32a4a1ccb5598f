import { z } from "zod";
import { requireLocation, requirePermission } from "../shared/auth/principal.ts";
import { runtimeDeps } from "../shared/runtime.ts";
import { scanCustomer } from "../shared/transactions/scan.ts";
import { parse, staffHandler } from "./http/api.ts";

const Path = z.object({ barcode: z.string().min(1).max(128) });
const Query = z.strictObject({ locationId: z.string().min(1).max(64) });

/** GET /v1/scan/{barcode}: what the scanner shows after scanning a pass. */
export const handler = staffHandler(async (request, principal) => {
  const { barcode } = parse(Path, request.event.pathParameters, "path");
  const { locationId } = parse(Query, request.event.queryStringParameters, "query");
  requirePermission(principal, "customers:read");
  requireLocation(principal, locationId);
  return {
    status: 200,
    body: await scanCustomer(runtimeDeps().db, principal.merchantId, barcode, locationId),
  };
});
