import { z } from "zod";
import { localeFromAcceptLanguage, PORTAL_CSP, portalPage } from "../shared/portal/page.ts";
import { apiHandler, parse } from "./http/api.ts";

// Not strict: a link shared with tracking parameters should still open the page.
export const Query = z.object({ lang: z.enum(["fr", "en"]).optional() });

const pages = { fr: Buffer.from(portalPage("fr")), en: Buffer.from(portalPage("en")) };

/**
 * GET /portal: the customer portal page. The same for everyone (the token stays in the link's fragment,
 * which browsers never send), in the language asked for (`?lang=`), else the browser's.
 */
export const handler = apiHandler(async (request) => {
  const query = parse(Query, request.event.queryStringParameters, "query");
  const locale = query.lang ?? localeFromAcceptLanguage(request.header("accept-language"), "en");
  return {
    status: 200,
    body: pages[locale],
    headers: {
      "content-type": "text/html; charset=utf-8",
      "content-security-policy": PORTAL_CSP,
      "x-content-type-options": "nosniff",
      "referrer-policy": "no-referrer",
      "cache-control": "public, max-age=300",
      vary: "accept-language",
    },
  };
});
