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
  { method: "GET", path: "/v1/customers/{customerId}", handler: "customers-get", auth: "staff" },
  { method: "GET", path: "/v1/customers/{customerId}/ledger", handler: "customers-ledger", auth: "staff" },
  {
    method: "GET",
    path: "/v1/customers/{customerId}/ledger/verify",
    handler: "customers-ledger-verify",
    auth: "staff",
  },
];
