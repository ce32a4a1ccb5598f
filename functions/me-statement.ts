import * as z from "zod";
import { ValidationError } from "../shared/errors.ts";
import { STATEMENT_PAGE_ENTRIES, statementPage } from "../shared/statements/statement.ts";
import { parse } from "./http/api.ts";
import { customerHandler, publicBaseUrl, signingDeps } from "./http/customer.ts";
import { Cursor } from "./http/fields.ts";

export const Query = z.strictObject({
  /** Start after this seq (a checkpoint's), instead of at the first entry. */
  after: z.coerce.number().int().min(0).max(9_999_999_999).optional(),
  cursor: Cursor(256).optional(),
  /** Fewer entries a page than the most (2,000), for a client on a slow link. */
  limit: z.coerce.number().int().min(1).max(STATEMENT_PAGE_ENTRIES).optional(),
});

/**
 * GET /v1/me/statement: the ledger and its head, signed with the merchant's statement key, a page at a time
 * (`nextCursor` until the head); check the pages offline with `npm run verify-statement -- <files>`.
 */
export const handler = customerHandler(async (request, member) => {
  const query = parse(Query, request.event.queryStringParameters, "query");
  if (query.cursor !== undefined && query.after !== undefined) {
    throw ValidationError.field("query.after", "cannot go with a cursor, which already says where to start");
  }
  const page = await statementPage(signingDeps(), member, publicBaseUrl(request), query);
  const day = page.statement.issuedAt.slice(0, 10);
  const from = page.statement.after?.seq ?? 0;
  const name =
    from === 0
      ? `statement-${member.merchantId}-${day}`
      : `statement-${member.merchantId}-${day}-from-${from + 1}`;
  return {
    status: 200,
    body: page,
    headers: { "content-disposition": `attachment; filename="${name}.json"` },
  };
});
