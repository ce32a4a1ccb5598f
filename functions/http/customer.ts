import { unauthorized } from "../../shared/errors.ts";
import { runtimeKeyBackend } from "../../shared/keys/key-backend.ts";
import type { SigningDeps } from "../../shared/keys/signing-keys.ts";
import { logger } from "../../shared/logger.ts";
import { type CustomerIdentity, verifyPortalToken } from "../../shared/portal/access.ts";
import { runtimeDeps } from "../../shared/runtime.ts";
import { type ApiRequest, type ApiResponse, apiHandler } from "./api.ts";

/**
 * A customer route (/v1/me…): the route has no authorizer (auth "none" in infra/routes.ts); the portal
 * token is checked here, and it alone says whose data is read, so no path or query can reach another's.
 */
export function customerHandler(
  handle: (request: ApiRequest, member: CustomerIdentity) => Promise<ApiResponse>,
) {
  return apiHandler(async (request) => {
    const token = /^Bearer\s+(\S+)$/i.exec(request.header("authorization") ?? "")?.[1];
    if (!token)
      throw unauthorized("A portal token is required: Authorization: Bearer <token from the portal link>.");
    const member = await verifyPortalToken(runtimeDeps().db, token);
    logger.appendKeys({ merchantId: member.merchantId, customerId: member.customerId });
    const response = await handle(request, member);
    // Personal data: no shared cache may keep it.
    return { ...response, headers: { "cache-control": "no-store", ...response.headers } };
  });
}

/** The table and clock, plus this container's signing-key backend. */
export function signingDeps(): SigningDeps {
  const { db, clock } = runtimeDeps();
  return { db, clock, backend: runtimeKeyBackend(db, clock) };
}

/** The API's public base URL: API_BASE_URL when set (e.g. a custom domain), else the host the request reached. */
export function publicBaseUrl(request: ApiRequest): string {
  const configured = process.env.API_BASE_URL?.replace(/\/+$/, "");
  if (configured) return configured;
  const host = request.event.requestContext?.domainName ?? request.header("host") ?? "127.0.0.1";
  const local = /^(127\.0\.0\.1|localhost)(:\d+)?$/.test(host);
  return `${local ? "http" : "https"}://${host}`;
}
