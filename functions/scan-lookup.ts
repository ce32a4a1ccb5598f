import * as z from "zod";
import { requireLocation } from "../shared/auth/principal.ts";
import { runtimeDeps } from "../shared/runtime.ts";
import { scanCustomer } from "../shared/transactions/scan.ts";
import { parse, staffHandler } from "./http/api.ts";
import { Barcode, RecordId } from "./http/fields.ts";

export const Path = z.object({ barcode: Barcode });
export const Query = z.strictObject({ locationId: RecordId });

/** GET /v1/scan/{barcode}: what the scanner shows after scanning a pass. */
export const handler = staffHandler(async (request, principal) => {
  const { barcode } = parse(Path, request.event.pathParameters, "path");
  const { locationId } = parse(Query, request.event.queryStringParameters, "query");
  requireLocation(principal, locationId);
  return {
    status: 200,
    body: await scanCustomer(runtimeDeps().db, principal.merchantId, barcode, locationId),
  };
});
