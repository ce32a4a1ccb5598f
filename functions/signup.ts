import { getCountries } from "libphonenumber-js";
import * as z from "zod";
import { signInDirectoryFromEnv } from "../shared/auth/cognito-directory.ts";
import { signUp, signUpPolicyFromEnv } from "../shared/merchants/signup.ts";
import { runtimeDeps } from "../shared/runtime.ts";
import { apiHandler, parse } from "./http/api.ts";
import { CurrencyCode, Email } from "./http/fields.ts";
import { DisplayName } from "./http/settings-fields.ts";

const COUNTRIES: ReadonlySet<string> = new Set(getCountries());
// The currencies the runtime knows (ISO 4217, current ones): a program's amounts are formatted with them.
const CURRENCIES: ReadonlySet<string> = new Set(Intl.supportedValuesOf("currency"));

/** The fields a new merchant starts from; the operator command (infra/ops/merchant-create.ts) checks the same. */
export const SignupBody = z.strictObject({
  businessName: DisplayName,
  ownerName: DisplayName,
  ownerEmail: Email.transform((email) => email.toLowerCase()),
  country: z
    .string()
    .refine((code) => COUNTRIES.has(code), "must be an ISO 3166-1 alpha-2 country code such as FR"),
  currency: CurrencyCode.refine((code) => CURRENCIES.has(code), "is not a currency this service knows"),
  locale: z.enum(["fr", "en"]),
});

export const ACCEPTED = {
  status: "accepted",
  detail:
    "If this address can be used, an e-mail with a temporary password is on its way to it. Sign in with it within 3 days to open your merchant account.",
} as const;

/**
 * POST /v1/signup: a stranger starts a merchant (when the stack's sign-up is open). 202 whatever becomes of
 * the address, with the same body, so the answer never tells whether it is registered.
 */
export const handler = apiHandler(async (request) => {
  const body = parse(SignupBody, request.json(), "body");
  const deps = { ...runtimeDeps(), directory: signInDirectoryFromEnv(), policy: signUpPolicyFromEnv() };
  await signUp(deps, body, request.event.requestContext.http.sourceIp);
  return { status: 202, body: ACCEPTED };
});
