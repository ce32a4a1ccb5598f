import * as z from "zod";
import { locationPoster, POSTER_FORMATS } from "../shared/posters/poster.ts";
import { runtimeDeps } from "../shared/runtime.ts";
import { parse, staffHandler } from "./http/api.ts";
import { publicBaseUrl } from "./http/customer.ts";
import { LocationPath } from "./http/params.ts";

export const Query = z.strictObject({ format: z.enum(POSTER_FORMATS).default("pdf") });

/**
 * GET /v1/locations/{locationId}/poster?format=png|svg|pdf: the printable counter poster whose QR code
 * opens the location's join page (`locations:manage` or `customers:write`).
 */
export const handler = staffHandler(async (request, principal) => {
  const { locationId } = parse(LocationPath, request.event.pathParameters, "path");
  const { format } = parse(Query, request.event.queryStringParameters, "query");
  const poster = await locationPoster(runtimeDeps(), principal, locationId, {
    format,
    publicBaseUrl: publicBaseUrl(request),
  });
  return {
    status: 200,
    body: poster.bytes,
    headers: {
      "content-type": poster.contentType,
      "content-disposition": `inline; filename="${poster.filename}"`,
      // The merchant's name or rule may change: a printer's cache must not keep an old one.
      "cache-control": "private, no-cache",
    },
  };
});
