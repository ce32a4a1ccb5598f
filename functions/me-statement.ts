import { signedStatement } from "../shared/statements/statement.ts";
import { parse } from "./http/api.ts";
import { customerHandler, publicBaseUrl, signingDeps } from "./http/customer.ts";
import { NoQuery } from "./http/params.ts";

/**
 * GET /v1/me/statement: the whole ledger and its head, signed with the merchant's statement key; check it
 * offline with `npm run verify-statement -- <file>`.
 */
export const handler = customerHandler(async (request, member) => {
  parse(NoQuery, request.event.queryStringParameters, "query");
  const signed = await signedStatement(signingDeps(), member, publicBaseUrl(request));
  const day = signed.statement.issuedAt.slice(0, 10);
  return {
    status: 200,
    body: signed,
    headers: { "content-disposition": `attachment; filename="statement-${member.merchantId}-${day}.json"` },
  };
});
