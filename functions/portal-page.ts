import * as z from "zod";
import { localeFromAcceptLanguage } from "../shared/html-page.ts";
import { PORTAL_CSP, portalPage } from "../web/portal/page.ts";
import { apiHandler, parse } from "./http/api.ts";
import { precompressed, preferredEncoding } from "./http/content-encoding.ts";

// Not strict: a link shared with tracking parameters should still open the page.
export const Query = z.object({ lang: z.enum(["fr", "en"]).optional() });

// Each language compressed on its first request, then kept for the container's life: brotli's best quality
// at module load doubled the cold start. The Buffer goes out base64 and API Gateway sends its bytes as they are.
const pages = new Map<"fr" | "en", ReturnType<typeof precompressed>>();
function page(locale: "fr" | "en") {
  let bytes = pages.get(locale);
  if (!bytes) {
    bytes = precompressed(Buffer.from(portalPage(locale)));
    pages.set(locale, bytes);
  }
  return bytes;
}

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
    body: page(locale)[encoding ?? "identity"],
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
