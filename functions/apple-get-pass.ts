import {
  authenticatePass,
  notModifiedSince,
  PKPASS_TYPE,
  passChangedAt,
  passLastModified,
  renderMemberPass,
} from "../passes/apple/web-service.ts";
import { appleWallet, walletRuntime } from "../passes/wallet-runtime.ts";
import { runtimeDeps } from "../shared/runtime.ts";
import { apiHandler, parse } from "./http/api.ts";
import { PassPath } from "./http/apple-params.ts";

/**
 * GET and HEAD /apple/v1/passes/{passType}/{serial}: the pass as it stands, with Last-Modified set to
 * its update time (never later than the response's Date); 304 when the device's copy is at least as
 * recent as that update. HEAD never renders.
 */
export const handler = apiHandler(async (request) => {
  const apple = appleWallet();
  const path = parse(PassPath, request.event.pathParameters, "path");
  const { db, clock } = runtimeDeps();
  const pass = await authenticatePass(db, apple.config, {
    ...path,
    authorization: request.header("authorization"),
  });
  // One instant for the header and the pass's "last updated", so they agree.
  const now = clock();
  const lastModified = passLastModified(pass, now);
  // The pass carries its authentication token: no shared cache may keep it.
  const headers = { "last-modified": lastModified.toUTCString(), "cache-control": "private, no-cache" };
  if (notModifiedSince(passChangedAt(pass), request.header("if-modified-since"))) {
    return { status: 304, headers };
  }
  if (request.event.requestContext.http.method === "HEAD") {
    return { status: 200, headers: { ...headers, "content-type": PKPASS_TYPE } };
  }
  const { apiBaseUrl: portalBaseUrl, timeZone } = walletRuntime()?.config ?? {};
  const pkpass = await renderMemberPass(
    { db, clock: () => now, renderer: apple.renderer, portalBaseUrl, timeZone },
    pass,
  );
  return { status: 200, body: pkpass, headers: { ...headers, "content-type": PKPASS_TYPE } };
});
