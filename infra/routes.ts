import type { Permission } from "../shared/auth/permissions.ts";
import { SIGN_IN_ACTIONS, type SignInAction } from "../shared/auth/sign-in-actions.ts";
// Type only: the handlers import this table (functions/http/api.ts checks permissions from it), and their
// bundles must not pull in the stack's code.
import type { FunctionNeeds } from "./stack/function-needs.ts";

/**
 * Every HTTP route: the handler module that serves it, what a caller needs to be let in, and what the
 * function may touch. The CDK stack makes one Lambda function per module (with the IAM grants of its
 * `needs`) and one API Gateway route per entry; the local gateway dispatches to the same modules; the HTTP
 * pipeline (`staffHandler`) refuses a staff member whose role lacks the route's permission before the
 * handler runs. A new route also needs its handler module (`staffHandler` for a staff route) and its
 * description in docs/openapi.yaml, which a test checks.
 */

/** A staff route any active staff member of the merchant may call; its entry says why in `because`. */
export const SIGNED_IN = "signed-in";

interface RouteBase {
  method: "GET" | "POST" | "PUT" | "PATCH" | "DELETE" | "HEAD";
  /** API Gateway syntax: `{name}` for a path parameter. */
  path: string;
  /** Module under functions/, without extension; it exports `handler`. */
  handler: string;
  /** Memory for the function, in MB; pass rendering needs more than a balance read. */
  memoryMb?: number;
  /**
   * What the function may touch (infra/stack/access-grants.ts turns it into IAM statements). Routes served
   * by one module share its function, so they must declare the same needs.
   */
  needs: FunctionNeeds;
}

/** Behind the JWT authorizer; the caller's role must hold the permission (every one of a list, or one of `anyOf`). */
export interface PermissionRoute extends RouteBase {
  auth: "staff";
  permission: Permission | readonly [Permission, ...Permission[]] | AnyOfPermissions;
}

/** Any one of these is enough, for a route two kinds of staff need for different reasons. */
export interface AnyOfPermissions {
  anyOf: readonly [Permission, Permission, ...Permission[]];
}

/** Behind the JWT authorizer; being active staff of the merchant is enough. */
export interface SignedInRoute extends RouteBase {
  auth: "staff";
  permission: typeof SIGNED_IN;
  because: string;
}

/** No authorizer: the caller holds no staff token, and the handler authenticates it (or needs not). */
export interface PublicRoute extends RouteBase {
  auth: "none";
  permission?: never;
}

export type StaffRoute = PermissionRoute | SignedInRoute;
export type RouteDefinition = StaffRoute | PublicRoute;

/** As API Gateway names a route in the event (`routeKey`), and the local gateway too. */
export const routeKey = (route: Pick<RouteDefinition, "method" | "path">) => `${route.method} ${route.path}`;

/**
 * What a route's caller must hold: every permission of `all` (none for a public or signed-in route), or at
 * least one of `anyOf`.
 */
export type PermissionRule = { all: readonly Permission[] } | { anyOf: readonly Permission[] };

export function requiredPermissions(route: RouteDefinition): PermissionRule {
  if (route.auth === "none" || route.permission === SIGNED_IN) return { all: [] };
  const { permission } = route;
  if (typeof permission === "string") return { all: [permission] };
  return "anyOf" in permission ? { anyOf: permission.anyOf } : { all: permission };
}

/** Every permission the rule names, whether all or one of them are needed. */
export const permissionsNamed = (rule: PermissionRule): readonly Permission[] =>
  "anyOf" in rule ? rule.anyOf : rule.all;

/** The Cognito actions of these sign-in operations, each once (shared/auth/sign-in-actions.ts). */
const signInActions = (...operations: (keyof typeof SIGN_IN_ACTIONS)[]): SignInAction[] =>
  [...new Set(operations.flatMap((operation) => SIGN_IN_ACTIONS[operation]))].sort();

const read: FunctionNeeds = { table: "read" };
const readWrite: FunctionNeeds = { table: "readWrite" };
// Renders and signs the .pkpass; signs the portal link on its back (writing the merchant's portal key ring
// on first use, hence readWrite). GET and HEAD share the function.
const applePass: FunctionNeeds = {
  table: "readWrite",
  wallet: true,
  secrets: ["passCertificates"],
  signingKeys: true,
};
// Public join and find-my-card: enrol (or find the member), sign both wallet links and a portal link
// (writing the merchant's portal key ring on first use), and send the card by e-mail or text message.
const joinNeeds: FunctionNeeds = {
  table: "readWrite",
  wallet: true,
  secrets: ["passLinkKey", "googleServiceAccount"],
  signingKeys: true,
  email: true,
  sms: true,
};
// Apple's web service finds the pass (and writes its registrations) through the wallet settings.
const appleRegistrations: FunctionNeeds = { table: "readWrite", wallet: true };
// The staff apps (scanner, console) serve files and the sign-in settings of the staff apps' client.
const scannerApp: FunctionNeeds = { table: "none", scannerClient: true };

export const ROUTES: readonly RouteDefinition[] = [
  // Scanner. The location the scan is for is checked by the handler (requireLocation).
  {
    method: "GET",
    path: "/v1/scan/{barcode}",
    handler: "scan-lookup",
    auth: "staff",
    permission: "customers:read",
    needs: read,
  },
  {
    method: "POST",
    path: "/v1/transactions",
    handler: "transactions-create",
    auth: "staff",
    permission: "transactions:create",
    needs: readWrite,
  },
  // Customers.
  {
    method: "POST",
    path: "/v1/customers",
    handler: "customers-create",
    auth: "staff",
    permission: "customers:write",
    // Signs the member's wallet links, and the portal link of the Welcome QR code (a member without e-mail).
    needs: {
      table: "readWrite",
      wallet: true,
      secrets: ["passLinkKey", "googleServiceAccount"],
      signingKeys: true,
    },
  },
  {
    method: "GET",
    path: "/v1/customers",
    handler: "customers-search",
    auth: "staff",
    permission: "customers:read",
    needs: read,
  },
  {
    method: "GET",
    path: "/v1/customers/{customerId}",
    handler: "customers-get",
    auth: "staff",
    permission: "customers:read",
    needs: read,
  },
  {
    method: "PATCH",
    path: "/v1/customers/{customerId}",
    handler: "customers-update",
    auth: "staff",
    permission: "customers:write",
    // Renaming a customer or changing a contact removes the old lookup items.
    needs: { table: "readWriteDelete" },
  },
  {
    method: "DELETE",
    path: "/v1/customers/{customerId}",
    handler: "customers-erase",
    auth: "staff",
    permission: "customers:erase",
    // Erasure (shared/customers/erase.ts) deletes the lookup items, contact changes and notification records.
    needs: { table: "readWriteDelete" },
  },
  {
    method: "GET",
    path: "/v1/customers/{customerId}/audit",
    handler: "customers-audit",
    auth: "staff",
    // Who changed what is for those who may change it.
    permission: "customers:write",
    needs: read,
  },
  {
    method: "GET",
    path: "/v1/customers/{customerId}/referrals",
    handler: "customers-referrals",
    auth: "staff",
    permission: "customers:read",
    needs: read,
  },
  {
    method: "POST",
    path: "/v1/referrals/{referralId}/cancel",
    handler: "referrals-cancel",
    auth: "staff",
    // Takes both rewards back.
    permission: "referrals:cancel",
    needs: readWrite,
  },
  {
    method: "POST",
    path: "/v1/customers/{customerId}/points",
    handler: "customers-points",
    auth: "staff",
    permission: "points:adjust",
    needs: readWrite,
  },
  {
    method: "GET",
    path: "/v1/customers/{customerId}/notifications",
    handler: "customers-notifications",
    auth: "staff",
    permission: "customers:read",
    // Reads delivery records through gsi2.
    needs: read,
  },
  {
    method: "GET",
    path: "/v1/customers/{customerId}/ledger",
    handler: "customers-ledger",
    auth: "staff",
    permission: "customers:read",
    needs: read,
  },
  {
    method: "GET",
    path: "/v1/customers/{customerId}/ledger/verify",
    handler: "customers-ledger-verify",
    auth: "staff",
    permission: "customers:read",
    needs: read,
  },
  {
    method: "POST",
    path: "/v1/customers/{customerId}/portal-link",
    handler: "customers-portal-link",
    auth: "staff",
    permission: "customers:write",
    needs: { table: "readWrite", signingKeys: true },
  },
  // The merchant's activity log; a location filter the caller may not use is refused by the domain.
  {
    method: "GET",
    path: "/v1/activity",
    handler: "activity-list",
    auth: "staff",
    permission: "activity:read",
    needs: read,
  },
  // Merchant settings.
  {
    method: "GET",
    path: "/v1/settings",
    handler: "settings-get",
    auth: "staff",
    permission: "programs:manage",
    needs: read,
  },
  {
    method: "PATCH",
    path: "/v1/settings",
    handler: "settings-update",
    auth: "staff",
    permission: "programs:manage",
    needs: readWrite,
  },
  {
    method: "GET",
    path: "/v1/session",
    handler: "session-get",
    auth: "staff",
    permission: SIGNED_IN,
    because: "every staff app asks who is signed in and what they may do, to offer only that",
    needs: read,
  },
  // Staff and roles: who may hand out which role and locations is the domain's (shared/merchants/staff-policy.ts).
  {
    method: "GET",
    path: "/v1/staff",
    handler: "staff-list",
    auth: "staff",
    permission: "staff:manage",
    needs: read,
  },
  {
    method: "POST",
    path: "/v1/staff",
    handler: "staff-create",
    auth: "staff",
    permission: "staff:manage",
    needs: { table: "readWrite", staffSignIns: signInActions("invite") },
  },
  {
    method: "PATCH",
    path: "/v1/staff/{staffId}",
    handler: "staff-update",
    auth: "staff",
    permission: "staff:manage",
    // A first e-mail gives the member a sign-in (invite); the others keep it in step with the record.
    needs: { table: "readWrite", staffSignIns: signInActions("invite", "update") },
  },
  {
    method: "POST",
    path: "/v1/staff/{staffId}/invite",
    handler: "staff-invite",
    auth: "staff",
    permission: "staff:manage",
    needs: { table: "readWrite", staffSignIns: signInActions("invite", "resend") },
  },
  {
    method: "GET",
    path: "/v1/roles",
    handler: "roles-list",
    auth: "staff",
    permission: "staff:manage",
    needs: read,
  },
  {
    method: "PUT",
    path: "/v1/roles/{role}",
    handler: "roles-update",
    auth: "staff",
    permission: "staff:manage",
    needs: readWrite,
  },
  // Locations.
  {
    method: "GET",
    path: "/v1/locations",
    handler: "locations-list",
    auth: "staff",
    permission: SIGNED_IN,
    because: "everyone sees the locations they may work at; locations:manage widens the list to all of them",
    needs: read,
  },
  {
    method: "POST",
    path: "/v1/locations",
    handler: "locations-create",
    auth: "staff",
    permission: "locations:manage",
    needs: readWrite,
  },
  {
    method: "PATCH",
    path: "/v1/locations/{locationId}",
    handler: "locations-update",
    auth: "staff",
    permission: "locations:manage",
    needs: readWrite,
  },
  // The counter poster: who runs the shop prints it; who enrols customers at the till may print it too.
  // Rendering the PNG (resvg's WASM, the fonts) wants more memory than a read.
  {
    method: "GET",
    path: "/v1/locations/{locationId}/poster",
    handler: "locations-poster",
    auth: "staff",
    permission: { anyOf: ["locations:manage", "customers:write"] },
    memoryMb: 1024,
    needs: read,
  },
  // Programs and their versions.
  {
    method: "GET",
    path: "/v1/programs",
    handler: "programs-list",
    auth: "staff",
    permission: "programs:manage",
    needs: read,
  },
  {
    method: "POST",
    path: "/v1/programs",
    handler: "programs-create",
    auth: "staff",
    permission: "programs:manage",
    needs: readWrite,
  },
  {
    method: "GET",
    path: "/v1/programs/{programId}",
    handler: "programs-get",
    auth: "staff",
    permission: "programs:manage",
    needs: read,
  },
  {
    method: "PUT",
    path: "/v1/programs/{programId}",
    handler: "programs-update",
    auth: "staff",
    permission: "programs:manage",
    needs: readWrite,
  },
  {
    method: "GET",
    path: "/v1/programs/{programId}/versions",
    handler: "programs-versions",
    auth: "staff",
    permission: "programs:manage",
    needs: read,
  },
  // Rewards: the catalogue is read at the till (customers:read), kept by those who manage programs.
  {
    method: "GET",
    path: "/v1/rewards",
    handler: "rewards-list",
    auth: "staff",
    permission: "customers:read",
    needs: read,
  },
  {
    method: "POST",
    path: "/v1/rewards",
    handler: "rewards-create",
    auth: "staff",
    permission: "programs:manage",
    needs: { table: "readWrite", couponIssuer: true },
  },
  {
    method: "PATCH",
    path: "/v1/rewards/{rewardId}",
    handler: "rewards-update",
    auth: "staff",
    permission: "programs:manage",
    needs: readWrite,
  },
  {
    method: "DELETE",
    path: "/v1/rewards/{rewardId}",
    handler: "rewards-archive",
    auth: "staff",
    permission: "programs:manage",
    // Archives (an update); the reward item stays for its redemptions' history.
    needs: readWrite,
  },
  // Redemptions. The location each acts at is checked by the domain (requireLocation).
  {
    method: "POST",
    path: "/v1/redemptions",
    handler: "redemptions-create",
    auth: "staff",
    permission: "redemptions:create",
    needs: { table: "readWrite", couponIssuer: true },
  },
  {
    method: "GET",
    path: "/v1/redemptions/{redemptionId}",
    handler: "redemptions-get",
    auth: "staff",
    permission: "customers:read",
    needs: read,
  },
  {
    method: "POST",
    path: "/v1/redemptions/{redemptionId}/use",
    handler: "redemptions-use",
    auth: "staff",
    // Taking a coupon at the till is part of redeeming it.
    permission: "redemptions:create",
    needs: readWrite,
  },
  {
    method: "POST",
    path: "/v1/redemptions/{redemptionId}/refund",
    handler: "redemptions-refund",
    auth: "staff",
    permission: "redemptions:refund",
    needs: { table: "readWrite", couponIssuer: true },
  },
  {
    method: "POST",
    path: "/v1/transactions/{transactionId}/reverse",
    handler: "transactions-reverse",
    auth: "staff",
    // A purchase return takes points back.
    permission: "points:adjust",
    needs: readWrite,
  },
  // Points claims customers filed from the portal.
  {
    method: "GET",
    path: "/v1/claims",
    handler: "claims-list",
    auth: "staff",
    permission: "claims:review",
    needs: read,
  },
  {
    method: "POST",
    path: "/v1/claims/{claimId}/approve",
    handler: "claims-approve",
    auth: "staff",
    // Approving credits the points as a manual entry.
    permission: ["claims:review", "points:adjust"],
    needs: readWrite,
  },
  {
    method: "POST",
    path: "/v1/claims/{claimId}/reject",
    handler: "claims-reject",
    auth: "staff",
    permission: "claims:review",
    needs: readWrite,
  },
  {
    method: "POST",
    path: "/v1/statement-keys/rotate",
    handler: "statement-keys-rotate",
    auth: "staff",
    permission: "keys:manage",
    needs: { table: "readWrite", signingKeys: true },
  },
  // Apple's PassKit web service (webServiceURL = API base + "/apple"): Wallet authenticates with
  // "ApplePass <token>" or, for the list, with the device id itself; the handlers check it.
  {
    method: "POST",
    path: "/apple/v1/devices/{deviceLibraryIdentifier}/registrations/{passTypeIdentifier}/{serialNumber}",
    handler: "apple-register-device",
    auth: "none",
    needs: appleRegistrations,
  },
  {
    method: "DELETE",
    path: "/apple/v1/devices/{deviceLibraryIdentifier}/registrations/{passTypeIdentifier}/{serialNumber}",
    handler: "apple-unregister-device",
    auth: "none",
    // Removes both sides of the registration.
    needs: { table: "readWriteDelete", wallet: true },
  },
  {
    method: "GET",
    path: "/apple/v1/devices/{deviceLibraryIdentifier}/registrations/{passTypeIdentifier}",
    handler: "apple-list-updated-passes",
    auth: "none",
    needs: { table: "read", wallet: true },
  },
  // Rendering and signing a pass is CPU-bound: more memory is more CPU. HEAD shares the function.
  {
    method: "GET",
    path: "/apple/v1/passes/{passTypeIdentifier}/{serialNumber}",
    handler: "apple-get-pass",
    auth: "none",
    memoryMb: 1024,
    needs: applePass,
  },
  {
    method: "HEAD",
    path: "/apple/v1/passes/{passTypeIdentifier}/{serialNumber}",
    handler: "apple-get-pass",
    auth: "none",
    memoryMb: 1024,
    needs: applePass,
  },
  { method: "POST", path: "/apple/v1/log", handler: "apple-log", auth: "none", needs: { table: "none" } },
  // "Add to Apple Wallet": a signed, expiring link made at enrolment (passes/download-links.ts). Renders the
  // pass as apple-get-pass does, portal link included.
  {
    method: "GET",
    path: "/v1/passes/{serialNumber}/apple.pkpass",
    handler: "pass-download",
    auth: "none",
    memoryMb: 1024,
    needs: {
      table: "readWrite",
      wallet: true,
      secrets: ["passCertificates", "passLinkKey"],
      signingKeys: true,
    },
  },
  // Customers: the portal page, and /v1/me with the portal token from the link (the handlers check it).
  { method: "GET", path: "/portal", handler: "portal-page", auth: "none", needs: { table: "none" } },
  // The scanner web app's files (web/scanner/) and its sign-in settings (config.json: the scanner client's
  // id); staff sign in from the page itself, with the user pool.
  { method: "GET", path: "/scanner", handler: "scanner-app", auth: "none", needs: scannerApp },
  { method: "GET", path: "/scanner/{file}", handler: "scanner-app", auth: "none", needs: scannerApp },
  // The merchant console's files (web/console/) and the same sign-in settings.
  { method: "GET", path: "/console", handler: "console-app", auth: "none", needs: scannerApp },
  { method: "GET", path: "/console/{file}", handler: "console-app", auth: "none", needs: scannerApp },
  {
    method: "GET",
    path: "/v1/me",
    handler: "me-get",
    auth: "none",
    // Signs the member's Add-to-Wallet links, as enrolment does.
    needs: { table: "read", wallet: true, secrets: ["passLinkKey", "googleServiceAccount"] },
  },
  {
    method: "PATCH",
    path: "/v1/me",
    handler: "me-update",
    auth: "none",
    // Changing a contact or the name removes the old lookup items, as customers-update does; a new e-mail
    // address is confirmed by a link sent to it through SES first (text messages: see README, Deploy).
    needs: { table: "readWriteDelete", email: true, sms: true },
  },
  {
    method: "DELETE",
    path: "/v1/me",
    handler: "me-erase",
    auth: "none",
    // The member's own erasure from the portal: the same writes and deletes as customers-erase.
    needs: { table: "readWriteDelete" },
  },
  {
    method: "POST",
    path: "/v1/me/contact/confirm",
    handler: "me-contact-confirm",
    // No portal token: the confirmation link's token is the credential (the handler checks it).
    auth: "none",
    // Moves the address onto the profile: claims the new one and removes the old claim, as me-update does.
    needs: { table: "readWriteDelete" },
  },
  // Public sign-up of a new merchant (shared/merchants/signup.ts): refused unless the stack says
  // `-c signUp=open`; rate-limited per address and per e-mail with counters in the table.
  {
    method: "POST",
    path: "/v1/signup",
    handler: "signup",
    auth: "none",
    needs: { table: "readWrite", staffSignIns: signInActions("invite", "resend"), signUpPolicy: true },
  },
  // Customers joining by themselves (shared/customers/join.ts), and finding their card again: public,
  // rate-limited per source address and per contact with counters in the table. The pages read only the
  // merchant; the API sends the card (wallet links, portal link) by e-mail or text to an address that has one.
  { method: "GET", path: "/join/{merchantId}", handler: "join-page", auth: "none", needs: read },
  { method: "GET", path: "/join/{merchantId}/card", handler: "join-page", auth: "none", needs: read },
  { method: "POST", path: "/v1/join/{merchantId}", handler: "join-create", auth: "none", needs: joinNeeds },
  {
    method: "POST",
    path: "/v1/join/{merchantId}/card",
    handler: "join-card-request",
    auth: "none",
    needs: joinNeeds,
  },
  // The one-click unsubscribe link of Moment e-mails (RFC 8058): its signed token is the credential (the
  // handler checks it). GET shows a confirmation page and changes nothing; POST withdraws marketing consent.
  { method: "GET", path: "/v1/unsubscribe/{token}", handler: "unsubscribe", auth: "none", needs: readWrite },
  { method: "POST", path: "/v1/unsubscribe/{token}", handler: "unsubscribe", auth: "none", needs: readWrite },
  { method: "GET", path: "/v1/me/ledger", handler: "me-ledger", auth: "none", needs: read },
  {
    method: "GET",
    path: "/v1/me/statement",
    handler: "me-statement",
    auth: "none",
    // Signs: creates the merchant's statement key on first use (local backend: a table item; on AWS a KMS key).
    needs: { table: "readWrite", signingKeys: true },
  },
  // The member's own access export (shared/exports/): written to the file store, answered with a link.
  {
    method: "POST",
    path: "/v1/me/export",
    handler: "me-export",
    auth: "none",
    needs: { table: "readWrite", exportFiles: true },
  },
  { method: "GET", path: "/v1/me/claims", handler: "me-claims-list", auth: "none", needs: read },
  { method: "POST", path: "/v1/me/claims", handler: "me-claims-create", auth: "none", needs: readWrite },
  {
    method: "POST",
    path: "/v1/me/portal-link",
    handler: "me-portal-link",
    auth: "none",
    needs: { table: "readWrite", signingKeys: true },
  },
  // Public: the keys that check a merchant's signed statements.
  {
    method: "GET",
    path: "/v1/merchants/{merchantId}/jwks.json",
    handler: "merchants-jwks",
    auth: "none",
    needs: read,
  },
  // Exports (shared/exports/): CSV files and customers' access exports, in the file store, behind expiring links.
  {
    method: "POST",
    path: "/v1/exports",
    handler: "exports-create",
    auth: "staff",
    permission: "data:export",
    // Writes the idempotency record only; the export itself goes to the file store.
    needs: { table: "readWrite", exportFiles: true },
  },
  {
    method: "GET",
    path: "/v1/exports/{exportId}",
    handler: "exports-get",
    auth: "staff",
    permission: "data:export",
    needs: { table: "read", exportFiles: true },
  },
  {
    method: "POST",
    path: "/v1/customers/{customerId}/export",
    handler: "customers-export",
    auth: "staff",
    permission: "data:export",
    needs: { table: "readWrite", exportFiles: true },
  },
  // Webhooks (shared/webhooks/): a merchant's endpoints and their delivery logs, kept by its owners by default.
  // Imports (shared/imports/): members and opening balances from another platform, as CSV in parts.
  {
    method: "POST",
    path: "/v1/imports",
    handler: "imports-create",
    auth: "staff",
    permission: "data:import",
    needs: readWrite,
  },
  {
    method: "GET",
    path: "/v1/imports/{importId}",
    handler: "imports-get",
    auth: "staff",
    permission: "data:import",
    needs: read,
  },
  {
    method: "POST",
    path: "/v1/imports/{importId}/parts",
    handler: "imports-parts",
    auth: "staff",
    permission: "data:import",
    // The last part starts the dry run here (shared/imports/inline.ts), which writes the lines' outcomes.
    needs: { table: "readWriteDelete" },
  },
  {
    method: "POST",
    path: "/v1/imports/{importId}/run",
    handler: "imports-run",
    auth: "staff",
    permission: "data:import",
    // Starts the real run here: enrols members and writes `import` entries through the ledger pipeline.
    needs: { table: "readWriteDelete" },
  },
  {
    method: "GET",
    path: "/v1/imports/{importId}/lines",
    handler: "imports-lines",
    auth: "staff",
    permission: "data:import",
    needs: read,
  },
  {
    method: "GET",
    path: "/v1/webhooks",
    handler: "webhooks-list",
    auth: "staff",
    permission: "webhooks:manage",
    needs: read,
  },
  {
    method: "POST",
    path: "/v1/webhooks",
    handler: "webhooks-create",
    auth: "staff",
    permission: "webhooks:manage",
    needs: readWrite,
  },
  {
    method: "GET",
    path: "/v1/webhooks/{webhookId}",
    handler: "webhooks-get",
    auth: "staff",
    permission: "webhooks:manage",
    needs: read,
  },
  {
    method: "PATCH",
    path: "/v1/webhooks/{webhookId}",
    handler: "webhooks-update",
    auth: "staff",
    permission: "webhooks:manage",
    needs: readWrite,
  },
  {
    method: "DELETE",
    path: "/v1/webhooks/{webhookId}",
    handler: "webhooks-delete",
    auth: "staff",
    permission: "webhooks:manage",
    needs: { table: "readWriteDelete" },
  },
  {
    method: "POST",
    path: "/v1/webhooks/{webhookId}/rotate-secret",
    handler: "webhooks-rotate-secret",
    auth: "staff",
    permission: "webhooks:manage",
    needs: readWrite,
  },
  {
    method: "GET",
    path: "/v1/webhooks/{webhookId}/deliveries",
    handler: "webhooks-deliveries",
    auth: "staff",
    permission: "webhooks:manage",
    needs: read,
  },
  {
    method: "POST",
    path: "/v1/webhooks/{webhookId}/deliveries/{deliveryId}/redeliver",
    handler: "webhooks-redeliver",
    auth: "staff",
    permission: "webhooks:manage",
    // Sends the webhook (to the internet, not an AWS service); e-mails the owners if that disables the endpoint.
    needs: { table: "readWrite", email: true },
  },
  // Fraud alerts (shared/alerts/): made by the webhooks stream consumer, reviewed by owners and managers.
  {
    method: "GET",
    path: "/v1/alerts",
    handler: "alerts-list",
    auth: "staff",
    permission: "alerts:review",
    needs: read,
  },
  // Hold mode: manual points over the merchant's limit wait for a second person (shared/alerts/holds.ts).
  {
    method: "GET",
    path: "/v1/holds",
    handler: "holds-list",
    auth: "staff",
    permission: "alerts:review",
    needs: read,
  },
  {
    method: "POST",
    path: "/v1/holds/{holdId}/approve",
    handler: "holds-approve",
    auth: "staff",
    // Approving credits (or deducts) the held points as a manual entry.
    permission: ["alerts:review", "points:adjust"],
    needs: readWrite,
  },
  {
    method: "POST",
    path: "/v1/holds/{holdId}/reject",
    handler: "holds-reject",
    auth: "staff",
    permission: "alerts:review",
    needs: readWrite,
  },
];
