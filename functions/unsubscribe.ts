import * as z from "zod";
import {
  UNSUBSCRIBE_CSP,
  unsubscribePage,
  unsubscribeState,
  withdrawConsent,
} from "../shared/portal/unsubscribe.ts";
import { runtimeDeps } from "../shared/runtime.ts";
import { apiHandler, parse } from "./http/api.ts";
import { opaqueToken } from "./http/fields.ts";

export const UnsubscribePath = z.strictObject({ token: opaqueToken(1000) });

/**
 * GET and POST /v1/unsubscribe/{token}: the link in every Moment e-mail's List-Unsubscribe header and
 * footer. GET shows a page with a button and changes nothing (mail scanners prefetch links); POST, the
 * mailbox provider's one-click request (RFC 8058) or the page's button, withdraws consent. Its body is
 * not read: whatever it says, a POST to a valid link means "unsubscribe". No login: the signed token
 * is the credential.
 */
export const handler = apiHandler(async (request) => {
  const { token } = parse(UnsubscribePath, request.event.pathParameters, "path");
  const deps = runtimeDeps();
  const state =
    request.event.requestContext.http.method === "POST"
      ? await withdrawConsent(deps, token)
      : await unsubscribeState(deps.db, token);
  return {
    status: 200,
    body: Buffer.from(unsubscribePage(state)),
    headers: {
      "content-type": "text/html; charset=utf-8",
      "content-security-policy": UNSUBSCRIBE_CSP,
      "x-content-type-options": "nosniff",
      // The token is in the URL: never sent on as a Referer, never kept by a cache.
      "referrer-policy": "no-referrer",
      "cache-control": "no-store",
    },
  };
});
