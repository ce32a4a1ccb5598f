/**
 * Every HTTP route and the handler module that serves it. The CDK stack creates one Lambda function and
 * one API Gateway route per entry; the local stack dispatches to the same modules. Adding a route here
 * is all it takes to have it in both.
 */

export type RouteAuth = "staff" | "none";

export interface RouteDefinition {
  method: "GET" | "POST" | "PUT" | "PATCH" | "DELETE" | "HEAD";
  /** API Gateway syntax: `{name}` for a path parameter. */
  path: string;
  /** Module under functions/, without extension; it exports `handler`. */
  handler: string;
  auth: RouteAuth;
  /** Memory for the function, in MB; pass rendering needs more than a balance read. */
  memoryMb?: number;
}

export const ROUTES: readonly RouteDefinition[] = [
  { method: "GET", path: "/v1/scan/{barcode}", handler: "scan-lookup", auth: "staff" },
  { method: "POST", path: "/v1/transactions", handler: "transactions-create", auth: "staff" },
  { method: "POST", path: "/v1/customers", handler: "customers-create", auth: "staff" },
  { method: "GET", path: "/v1/customers", handler: "customers-search", auth: "staff" },
  { method: "GET", path: "/v1/customers/{customerId}", handler: "customers-get", auth: "staff" },
  { method: "PATCH", path: "/v1/customers/{customerId}", handler: "customers-update", auth: "staff" },
  { method: "GET", path: "/v1/customers/{customerId}/audit", handler: "customers-audit", auth: "staff" },
  { method: "POST", path: "/v1/customers/{customerId}/points", handler: "customers-points", auth: "staff" },
  {
    method: "GET",
    path: "/v1/customers/{customerId}/notifications",
    handler: "customers-notifications",
    auth: "staff",
  },
  { method: "GET", path: "/v1/activity", handler: "activity-list", auth: "staff" },
  { method: "GET", path: "/v1/settings", handler: "settings-get", auth: "staff" },
  { method: "PATCH", path: "/v1/settings", handler: "settings-update", auth: "staff" },
  { method: "GET", path: "/v1/customers/{customerId}/ledger", handler: "customers-ledger", auth: "staff" },
  {
    method: "GET",
    path: "/v1/customers/{customerId}/ledger/verify",
    handler: "customers-ledger-verify",
    auth: "staff",
  },
  { method: "GET", path: "/v1/staff", handler: "staff-list", auth: "staff" },
  { method: "POST", path: "/v1/staff", handler: "staff-create", auth: "staff" },
  { method: "PATCH", path: "/v1/staff/{staffId}", handler: "staff-update", auth: "staff" },
  { method: "GET", path: "/v1/locations", handler: "locations-list", auth: "staff" },
  { method: "POST", path: "/v1/locations", handler: "locations-create", auth: "staff" },
  { method: "PATCH", path: "/v1/locations/{locationId}", handler: "locations-update", auth: "staff" },
  { method: "GET", path: "/v1/programs", handler: "programs-list", auth: "staff" },
  { method: "POST", path: "/v1/programs", handler: "programs-create", auth: "staff" },
  { method: "GET", path: "/v1/programs/{programId}", handler: "programs-get", auth: "staff" },
  { method: "PUT", path: "/v1/programs/{programId}", handler: "programs-update", auth: "staff" },
  { method: "GET", path: "/v1/programs/{programId}/versions", handler: "programs-versions", auth: "staff" },
  { method: "GET", path: "/v1/roles", handler: "roles-list", auth: "staff" },
  { method: "PUT", path: "/v1/roles/{role}", handler: "roles-update", auth: "staff" },
  { method: "GET", path: "/v1/rewards", handler: "rewards-list", auth: "staff" },
  { method: "POST", path: "/v1/rewards", handler: "rewards-create", auth: "staff" },
  { method: "PATCH", path: "/v1/rewards/{rewardId}", handler: "rewards-update", auth: "staff" },
  { method: "DELETE", path: "/v1/rewards/{rewardId}", handler: "rewards-archive", auth: "staff" },
  { method: "POST", path: "/v1/redemptions", handler: "redemptions-create", auth: "staff" },
  { method: "GET", path: "/v1/redemptions/{redemptionId}", handler: "redemptions-get", auth: "staff" },
  { method: "POST", path: "/v1/redemptions/{redemptionId}/use", handler: "redemptions-use", auth: "staff" },
  {
    method: "POST",
    path: "/v1/redemptions/{redemptionId}/refund",
    handler: "redemptions-refund",
    auth: "staff",
  },
  {
    method: "POST",
    path: "/v1/transactions/{transactionId}/reverse",
    handler: "transactions-reverse",
    auth: "staff",
  },
  // Apple's PassKit web service (webServiceURL = API base + "/apple"): Wallet authenticates with
  // "ApplePass <token>" or, for the list, with the device id itself; the handlers check it.
  {
    method: "POST",
    path: "/apple/v1/devices/{deviceLibraryIdentifier}/registrations/{passTypeIdentifier}/{serialNumber}",
    handler: "apple-register-device",
    auth: "none",
  },
  {
    method: "DELETE",
    path: "/apple/v1/devices/{deviceLibraryIdentifier}/registrations/{passTypeIdentifier}/{serialNumber}",
    handler: "apple-unregister-device",
    auth: "none",
  },
  {
    method: "GET",
    path: "/apple/v1/devices/{deviceLibraryIdentifier}/registrations/{passTypeIdentifier}",
    handler: "apple-list-updated-passes",
    auth: "none",
  },
  // Rendering and signing a pass is CPU-bound: more memory is more CPU. HEAD shares the function.
  {
    method: "GET",
    path: "/apple/v1/passes/{passTypeIdentifier}/{serialNumber}",
    handler: "apple-get-pass",
    auth: "none",
    memoryMb: 1024,
  },
  {
    method: "HEAD",
    path: "/apple/v1/passes/{passTypeIdentifier}/{serialNumber}",
    handler: "apple-get-pass",
    auth: "none",
    memoryMb: 1024,
  },
  { method: "POST", path: "/apple/v1/log", handler: "apple-log", auth: "none" },
  // "Add to Apple Wallet": a signed, expiring link made at enrolment (passes/download-links.ts).
  {
    method: "GET",
    path: "/v1/passes/{serialNumber}/apple.pkpass",
    handler: "pass-download",
    auth: "none",
    memoryMb: 1024,
  },
  // Customers: the portal page, and /v1/me with the portal token from the link (the handlers check it).
  { method: "GET", path: "/portal", handler: "portal-page", auth: "none" },
  { method: "GET", path: "/v1/me", handler: "me-get", auth: "none" },
  { method: "PATCH", path: "/v1/me", handler: "me-update", auth: "none" },
  { method: "GET", path: "/v1/me/ledger", handler: "me-ledger", auth: "none" },
  { method: "GET", path: "/v1/me/statement", handler: "me-statement", auth: "none" },
  { method: "GET", path: "/v1/me/claims", handler: "me-claims-list", auth: "none" },
  { method: "POST", path: "/v1/me/claims", handler: "me-claims-create", auth: "none" },
  { method: "POST", path: "/v1/me/portal-link", handler: "me-portal-link", auth: "none" },
  // Public: the keys that check a merchant's signed statements.
  { method: "GET", path: "/v1/merchants/{merchantId}/jwks.json", handler: "merchants-jwks", auth: "none" },
  { method: "POST", path: "/v1/statement-keys/rotate", handler: "statement-keys-rotate", auth: "staff" },
  {
    method: "POST",
    path: "/v1/customers/{customerId}/portal-link",
    handler: "customers-portal-link",
    auth: "staff",
  },
  { method: "GET", path: "/v1/claims", handler: "claims-list", auth: "staff" },
  { method: "POST", path: "/v1/claims/{claimId}/approve", handler: "claims-approve", auth: "staff" },
  { method: "POST", path: "/v1/claims/{claimId}/reject", handler: "claims-reject", auth: "staff" },
];
