import { brotliCompressSync, constants, gzipSync } from "node:zlib";
import * as z from "zod";
import { joinPageFacts } from "../shared/customers/join-merchant.ts";
import { DomainError } from "../shared/errors.ts";
import { localeFromAcceptLanguage } from "../shared/html-page.ts";
import type { Locale } from "../shared/ledger/entry-types.ts";
import { runtimeDeps } from "../shared/runtime.ts";
import { type JoinView, joinNotFoundPage, joinPage, type RenderedPage } from "../web/join/page.ts";
import { apiHandler, parse } from "./http/api.ts";
import { type Encoding, preferredEncoding } from "./http/content-encoding.ts";
import { RecordId } from "./http/fields.ts";

export const JoinPagePath = z.object({ merchantId: RecordId });
// Not strict: a poster's link shared with tracking parameters should still open the page. An unknown
// location is not an error either: the page then shows every location's rule and records none.
export const JoinPageQuery = z.object({
  lang: z.enum(["fr", "en"]).optional(),
  location: RecordId.optional().catch(undefined),
});

/** fr or en when Accept-Language names one of them; undefined when it names neither (the merchant's then). */
function browserLocale(header: string | undefined): Locale | undefined {
  const withFr = localeFromAcceptLanguage(header, "fr");
  return withFr === localeFromAcceptLanguage(header, "en") ? withFr : undefined;
}

// Rendered per merchant, so compressed per request: a quick brotli level, as the page is small.
const compress = (body: Buffer, encoding: Encoding) =>
  encoding === "br"
    ? brotliCompressSync(body, {
        params: {
          [constants.BROTLI_PARAM_MODE]: constants.BROTLI_MODE_TEXT,
          [constants.BROTLI_PARAM_QUALITY]: 5,
          [constants.BROTLI_PARAM_SIZE_HINT]: body.length,
        },
      })
    : gzipSync(body, { level: 6 });

/**
 * GET /join/{merchantId} (the join page, `?location=` from the counter's poster) and
 * GET /join/{merchantId}/card (find my card): the merchant's page in the language asked for, else the
 * browser's, else the merchant's country's. An unknown or pending merchant gets the same 404 page.
 */
export const handler = apiHandler(async (request) => {
  const { merchantId } = parse(JoinPagePath, request.event.pathParameters, "path");
  const query = parse(JoinPageQuery, request.event.queryStringParameters, "query");
  const view: JoinView = request.event.routeKey.endsWith("/card") ? "card" : "join";
  const asked = query.lang ?? browserLocale(request.header("accept-language"));
  let page: RenderedPage;
  let status = 200;
  try {
    const facts = await joinPageFacts(runtimeDeps().db, merchantId, asked, query.location);
    page = joinPage(facts, facts.locale, view);
  } catch (error) {
    // A browser gets a page it can show; anything else the problem every other route answers.
    const browser = /\btext\/html\b/.test(request.header("accept") ?? "");
    if (!(browser && error instanceof DomainError && error.kind === "not-found")) throw error;
    page = joinNotFoundPage(asked ?? "fr");
    status = 404;
  }
  const encoding = preferredEncoding(request.header("accept-encoding"));
  const html = Buffer.from(page.html);
  return {
    status,
    body: encoding ? compress(html, encoding) : html,
    headers: {
      "content-type": "text/html; charset=utf-8",
      ...(encoding ? { "content-encoding": encoding } : {}),
      "content-security-policy": page.csp,
      "x-content-type-options": "nosniff",
      "referrer-policy": "no-referrer",
      // The page holds no personal data; a merchant's new colours show within minutes. A 404 is not kept.
      "cache-control": status === 200 ? "public, max-age=300" : "no-store",
      vary: "accept-language, accept-encoding",
    },
  };
});
