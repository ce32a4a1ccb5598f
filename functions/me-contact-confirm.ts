import * as z from "zod";
import { confirmContactChange } from "../shared/portal/contact-change.ts";
import { runtimeDeps } from "../shared/runtime.ts";
import { apiHandler, parse } from "./http/api.ts";
import { opaqueToken } from "./http/fields.ts";

export const ConfirmBody = z.strictObject({ token: opaqueToken(300) });

/**
 * POST /v1/me/contact/confirm: the token of a confirmation link, posted by the portal page the link
 * opens. No portal token: whoever received the link at the new address may confirm it, on any device.
 */
export const handler = apiHandler(async (request) => {
  const { token } = parse(ConfirmBody, request.json(), "body");
  const result = await confirmContactChange(runtimeDeps(), token);
  return { status: 200, body: result, headers: { "cache-control": "no-store" } };
});
