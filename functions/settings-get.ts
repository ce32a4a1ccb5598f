import { readSettings } from "../shared/merchants/settings.ts";
import { runtimeDeps } from "../shared/runtime.ts";
import { staffHandler } from "./http/api.ts";

/** GET /v1/settings: the merchant's name, default expiry and which Moments customers are told about. */
export const handler = staffHandler(async (_request, principal) => ({
  status: 200,
  body: { settings: await readSettings(runtimeDeps().db, principal) },
}));
