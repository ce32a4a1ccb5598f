import { isDeepStrictEqual } from "node:util";
import type { SignInAction } from "../../shared/auth/sign-in-actions.ts";
import { ROUTES, type RouteDefinition } from "../routes.ts";
import type { SecretKey } from "./stage-config.ts";

/**
 * "read" is GetItem/BatchGetItem/Query on the table and its indexes. "readWrite" adds
 * PutItem/UpdateItem/ConditionCheckItem, which is what TransactWriteItems checks per item.
 * "readWriteDelete" adds DeleteItem, for handlers that remove lookup items (a customer's old name or
 * contact claims); ledger entries are never deleted, and TTL removes idempotency records.
 */
export type TableAccess = "none" | "read" | "readWrite" | "readWriteDelete";

/** What a handler may touch; access-grants.ts turns it into IAM statements and the matching env vars. */
export interface FunctionNeeds {
  table: TableAccess;
  secrets?: readonly SecretKey[];
  /** ses:SendEmail from the identity given as context `sesIdentityArn`. */
  email?: boolean;
  /** Text messages through Amazon SNS, when the stack is given `-c smsSender=sns` (see stage-config.ts). */
  sms?: boolean;
  /**
   * The user-pool actions the function calls on staff sign-ins (USER_POOL_ID): the lists of
   * shared/auth/sign-in-actions.ts for the operations it runs, e.g. `[...SIGN_IN_ACTIONS.invite]`.
   * Granted as `cognito-idp:<action>` on the one user pool, and nothing more.
   */
  staffSignIns?: readonly SignInAction[];
  /**
   * The scanner app client's id (USER_POOL_CLIENT_ID), for a page that signs staff in from the browser.
   * Not a grant: the client has no secret, and the browser calls the user pool's public API itself.
   */
  scannerClient?: boolean;
  /** Whether anyone may sign a merchant up (context `signUp`, env SIGN_UP: "open" or "invite"). */
  signUpPolicy?: boolean;
  /**
   * The wallet settings passes/wallet-config.ts reads (ids, URLs, the secrets' names). Names only:
   * reading a secret's value is a separate, per-secret need.
   */
  wallet?: boolean;
  /**
   * Sign with the merchants' Ed25519 keys (shared/keys/): create a merchant's KMS key on first use, sign,
   * read its public key once, retire the keys rotation drops. Only keys tagged as this app's. Making a key
   * also writes the key ring, so a function that signs needs `table: "readWrite"` too.
   */
  signingKeys?: boolean;
  /** The external discount-code API (context `couponIssuerUrl`, `couponIssuerTimeoutMs`), when one is configured. */
  couponIssuer?: boolean;
  /** Write and read the exports bucket (EXPORTS_BUCKET), and presign GET links to what it wrote. */
  exportFiles?: boolean;
}

/**
 * The functions no route serves: the stream consumers, the expiry job and the Cognito trigger. HTTP
 * functions declare their needs on their routes (infra/routes.ts).
 */
export const BACKGROUND_NEEDS: Readonly<Record<string, FunctionNeeds>> = {
  // Bumps pass records, drops registrations APNs calls stale, pushes to Apple (APNs key, or the pass
  // certificate when no key is configured) and writes Google Wallet objects.
  "pass-updates-stream": {
    table: "readWriteDelete",
    wallet: true,
    secrets: ["passCertificates", "apnsKey", "googleServiceAccount"],
  },
  // Claims and settles delivery records (outbox items included), records bounced addresses, takes Google's
  // notify quota on pass records; sends email through SES and adds messages to Google Wallet objects.
  // Signs each e-mail's unsubscribe link with the merchant's portal key (shared/portal/unsubscribe-token.ts),
  // and the Welcome e-mail's wallet links (the link key, Google's save JWT) and portal link.
  "notifications-stream": {
    table: "readWrite",
    wallet: true,
    email: true,
    secrets: ["googleServiceAccount", "passLinkKey"],
    signingKeys: true,
  },
  // Writes webhook deliveries and attempts' outcomes, counts endpoints' failures, disables failing ones
  // and e-mails their owners; sends the webhooks themselves to the merchants' URLs (no AWS grant).
  "webhooks-stream": { table: "readWrite", email: true },
  "webhooks-retry": { table: "readWrite", email: true },
  // Goes on with imports' runs: writes lines' outcomes, enrols members, writes `import` entries, takes
  // finished imports off the job's list.
  "imports-job": { table: "readWriteDelete" },
  // Reads members and the activity log, writes export files to the exports bucket and their records, takes
  // exports off the job's list.
  "exports-job": { table: "readWriteDelete", exportFiles: true },
  // Writes expiry entries to the ledger and takes spent batches out of the due index.
  "expiry-job": { table: "readWriteDelete" },
  // Copies claims from the user's attributes, which Cognito hands it in the event.
  "cognito-pre-token": { table: "none" },
};

/** Each route module's needs; the routes a module serves share its function, so they must agree. */
export function routeNeeds(routes: readonly RouteDefinition[]): Record<string, FunctionNeeds> {
  const byHandler: Record<string, FunctionNeeds> = {};
  for (const route of routes) {
    const declared = byHandler[route.handler];
    if (declared && !isDeepStrictEqual(declared, route.needs)) {
      throw new Error(`Routes served by functions/${route.handler}.ts declare different needs`);
    }
    byHandler[route.handler] = route.needs;
  }
  return byHandler;
}

/**
 * What the stack grants each module under functions/: the route modules' and the background ones'. A
 * handler without an entry fails synth, so nobody gets permissions by default.
 */
export function functionNeeds(routes: readonly RouteDefinition[]): Record<string, FunctionNeeds> {
  const byHandler = routeNeeds(routes);
  for (const handler of Object.keys(BACKGROUND_NEEDS)) {
    if (handler in byHandler)
      throw new Error(`functions/${handler}.ts is both a route and a background function`);
  }
  return { ...byHandler, ...BACKGROUND_NEEDS };
}

export const FUNCTION_NEEDS: Readonly<Record<string, FunctionNeeds>> = functionNeeds(ROUTES);

export function needsOf(handler: string, needs: Readonly<Record<string, FunctionNeeds>>): FunctionNeeds {
  const declared = needs[handler];
  if (!declared) {
    throw new Error(
      `functions/${handler}.ts has no needs: declare them on its routes (infra/routes.ts) or in BACKGROUND_NEEDS (infra/stack/function-needs.ts)`,
    );
  }
  return declared;
}
