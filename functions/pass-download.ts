import * as z from "zod";
import { findPass, PKPASS_TYPE, renderMemberPass } from "../passes/apple/web-service.ts";
import { verifyAppleDownload } from "../passes/download-links.ts";
import { appleWallet, walletRuntime } from "../passes/wallet-runtime.ts";
import { forbidden, notFound } from "../shared/errors.ts";
import { runtimeDeps } from "../shared/runtime.ts";
import { apiHandler, parse } from "./http/api.ts";
import { opaqueToken } from "./http/fields.ts";

export const Path = z.object({ serialNumber: z.string().regex(/^[A-Za-z0-9._-]{1,128}$/) });
export const Query = z.object({ expires: opaqueToken(16).optional(), sig: opaqueToken(128).optional() });

/** GET /v1/passes/{serialNumber}/apple.pkpass?expires=&sig=: the "Add to Apple Wallet" link sent at enrolment. */
export const handler = apiHandler(async (request) => {
  const apple = appleWallet();
  const runtime = walletRuntime();
  const linkKey = runtime?.linkKey;
  if (!linkKey) throw notFound("Pass download");
  const { serialNumber } = parse(Path, request.event.pathParameters, "path");
  const query = parse(Query, request.event.queryStringParameters, "query");
  const { db, clock } = runtimeDeps();
  if (!verifyAppleDownload(await linkKey(), serialNumber, query, clock())) {
    throw forbidden("This link is invalid or has expired; ask for a new one.");
  }
  const pass = await findPass(db, serialNumber);
  if (!pass) throw notFound("Pass");
  const { apiBaseUrl: portalBaseUrl, timeZone } = runtime?.config ?? {};
  const pkpass = await renderMemberPass(
    { db, clock, renderer: apple.renderer, portalBaseUrl, timeZone },
    pass,
  );
  return {
    status: 200,
    body: pkpass,
    headers: {
      "content-type": PKPASS_TYPE,
      "content-disposition": 'attachment; filename="loyalty-card.pkpass"',
      "cache-control": "private, no-store",
    },
  };
});
