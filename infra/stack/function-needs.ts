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
}

/**
 * One entry per module under functions/ that the stack deploys. A handler without an entry fails
 * synth, so nobody gets permissions by default.
 */
export const FUNCTION_NEEDS: Readonly<Record<string, FunctionNeeds>> = {
  "scan-lookup": { table: "read" },
  "customers-get": { table: "read" },
  "customers-ledger": { table: "read" },
  "customers-ledger-verify": { table: "read" },
  "transactions-create": { table: "readWrite" },
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
  // Reads device registrations and pushes: APNs for Apple passes, the Wallet API for Google ones.
  "pass-updates-stream": { table: "read", secrets: ["apnsKey", "googleServiceAccount"] },
  // Writes expiry entries to the ledger, which moves balances.
  "expiry-job": { table: "readWrite" },
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
