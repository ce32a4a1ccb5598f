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
  /** Create, disable and regroup staff sign-ins in the Cognito user pool (USER_POOL_ID). */
  staffSignIns?: boolean;
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
}

/**
 * One entry per module under functions/ that the stack deploys. A handler without an entry fails
 * synth, so nobody gets permissions by default.
 */
export const FUNCTION_NEEDS: Readonly<Record<string, FunctionNeeds>> = {
  // Scanner and customer routes.
  "scan-lookup": { table: "read" },
  "transactions-create": { table: "readWrite" },
  "transactions-reverse": { table: "readWrite" },
  "customers-create": { table: "readWrite" },
  "customers-search": { table: "read" },
  "customers-get": { table: "read" },
  // Renaming a customer or changing a contact removes the old lookup items.
  "customers-update": { table: "readWriteDelete" },
  "customers-audit": { table: "read" },
  "customers-points": { table: "readWrite" },
  "customers-ledger": { table: "read" },
  "customers-ledger-verify": { table: "read" },
  // Reads delivery records through gsi2.
  "customers-notifications": { table: "read" },
  "activity-list": { table: "read" },
  "rewards-list": { table: "read" },
  "rewards-create": { table: "readWrite", couponIssuer: true },
  "rewards-update": { table: "readWrite" },
  // Archives (an update); the reward item stays for its redemptions' history.
  "rewards-archive": { table: "readWrite" },
  "redemptions-create": { table: "readWrite", couponIssuer: true },
  "redemptions-get": { table: "read" },
  "redemptions-use": { table: "readWrite" },
  "redemptions-refund": { table: "readWrite", couponIssuer: true },
  // Merchant settings routes.
  "staff-list": { table: "read" },
  // Add staffSignIns once staff creation also creates the Cognito user (TODO(cognito) in shared/merchants/staff.ts).
  "staff-create": { table: "readWrite" },
  "staff-update": { table: "readWrite" },
  "locations-list": { table: "read" },
  "locations-create": { table: "readWrite" },
  "locations-update": { table: "readWrite" },
  "programs-list": { table: "read" },
  "programs-get": { table: "read" },
  "programs-versions": { table: "read" },
  "programs-create": { table: "readWrite" },
  "programs-update": { table: "readWrite" },
  "roles-list": { table: "read" },
  "roles-update": { table: "readWrite" },
  "settings-get": { table: "read" },
  "settings-update": { table: "readWrite" },
  // Apple's PassKit web service and the "Add to Apple Wallet" link.
  "apple-register-device": { table: "readWrite", wallet: true },
  // Removes both sides of the registration.
  "apple-unregister-device": { table: "readWriteDelete", wallet: true },
  "apple-list-updated-passes": { table: "read", wallet: true },
  // Renders and signs the .pkpass; signs the portal link on its back (writing the merchant's portal key
  // ring on first use, hence readWrite).
  "apple-get-pass": { table: "readWrite", wallet: true, secrets: ["passCertificates"], signingKeys: true },
  "apple-log": { table: "none" },
  // Renders the pass as apple-get-pass does, portal link included.
  "pass-download": {
    table: "readWrite",
    wallet: true,
    secrets: ["passCertificates", "passLinkKey"],
    signingKeys: true,
  },
  // The customer portal and its API (the portal token is checked by the handlers).
  "portal-page": { table: "none" },
  "me-get": { table: "read" },
  // Changing a contact or the name removes the old lookup items, as customers-update does.
  "me-update": { table: "readWriteDelete" },
  "me-ledger": { table: "read" },
  // Signs: creates the merchant's statement key on first use (local backend: a table item; on AWS a KMS key).
  "me-statement": { table: "readWrite", signingKeys: true },
  "me-claims-list": { table: "read" },
  "me-claims-create": { table: "readWrite" },
  "me-portal-link": { table: "readWrite", signingKeys: true },
  "merchants-jwks": { table: "read" },
  "statement-keys-rotate": { table: "readWrite", signingKeys: true },
  "customers-portal-link": { table: "readWrite", signingKeys: true },
  "claims-list": { table: "read" },
  "claims-approve": { table: "readWrite" },
  "claims-reject": { table: "readWrite" },
  // Background functions.
  // Bumps pass records, drops registrations APNs calls stale, pushes to Apple (APNs key, or the pass
  // certificate when no key is configured) and writes Google Wallet objects.
  "pass-updates-stream": {
    table: "readWriteDelete",
    wallet: true,
    secrets: ["passCertificates", "apnsKey", "googleServiceAccount"],
  },
  // Claims and settles delivery records (outbox items included), records bounced addresses, takes Google's
  // notify quota on pass records; sends email through SES and adds messages to Google Wallet objects.
  "notifications-stream": {
    table: "readWrite",
    wallet: true,
    email: true,
    secrets: ["googleServiceAccount"],
  },
  // Writes expiry entries to the ledger and takes spent batches out of the due index.
  "expiry-job": { table: "readWriteDelete" },
  // Copies claims from the user's attributes, which Cognito hands it in the event.
  "cognito-pre-token": { table: "none" },
};

export function needsOf(handler: string, needs: Readonly<Record<string, FunctionNeeds>>): FunctionNeeds {
  const declared = needs[handler];
  if (!declared) {
    throw new Error(`functions/${handler}.ts has no entry in FUNCTION_NEEDS (infra/stack/function-needs.ts)`);
  }
  return declared;
}
