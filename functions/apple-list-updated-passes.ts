import * as z from "zod";
import { passesUpdatedSince } from "../passes/apple/web-service.ts";
import { appleWalletConfig } from "../passes/wallet-config.ts";
import { runtimeDeps } from "../shared/runtime.ts";
import { apiHandler, parse } from "./http/api.ts";
import { DevicePath } from "./http/apple-params.ts";
import { opaqueToken } from "./http/fields.ts";

export const Query = z.object({ passesUpdatedSince: opaqueToken(64).optional() });

/**
 * GET /apple/v1/devices/{device}/registrations/{passType}?passesUpdatedSince=<tag>: which of the
 * device's passes changed. No authorization: Apple makes the device id the shared secret.
 */
export const handler = apiHandler(async (request) => {
  appleWalletConfig();
  const path = parse(DevicePath, request.event.pathParameters, "path");
  const query = parse(Query, request.event.queryStringParameters, "query");
  const changed = await passesUpdatedSince(runtimeDeps().db, { ...path, ...query });
  return changed ? { status: 200, body: changed } : { status: 204 };
});
