import { z } from "zod";
import { localeFromAcceptLanguage, PORTAL_CSP, portalPage } from "../shared/portal/page.ts";
import { apiHandler, parse } from "./http/api.ts";
import { precompressed, preferredEncoding } from "./http/content-encoding.ts";

// Not strict: a link shared with tracking parameters should still open the page.
export const Query = z.object({ lang: z.enum(["fr", "en"]).optional() });

// Compressed once per cold start; the Buffer goes out base64 and API Gateway sends its bytes as they are.
const pages = {
  fr: precompressed(Buffer.from(portalPage("fr"))),
  en: precompressed(Buffer.from(portalPage("en"))),
};

/**
 * GET /portal: the customer portal page. The same for everyone (the token stays in the link's fragment,
 * which browsers never send), in the language asked for (`?lang=`), else the browser's; brotli or gzip
 * when Accept-Encoding allows it (an HTTP API does not compress responses itself).
 */
export const handler = apiHandler(async (request) => {
  const query = parse(Query, request.event.queryStringParameters, "query");
  const locale = query.lang ?? localeFromAcceptLanguage(request.header("accept-language"), "en");
  const encoding = preferredEncoding(request.header("accept-encoding"));
  return {
    status: 200,
    body: pages[locale][encoding ?? "identity"],
    headers: {
      "content-type": "text/html; charset=utf-8",
      ...(encoding ? { "content-encoding": encoding } : {}),
      "content-security-policy": PORTAL_CSP,
      "x-content-type-options": "nosniff",
      "referrer-policy": "no-referrer",
      "cache-control": "public, max-age=300",
      vary: "accept-language, accept-encoding",
    },
  };
});
