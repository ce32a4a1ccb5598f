/**
 * Every screen of the console: its address (`:name` segments are params), the module that draws it (loaded
 * when first opened, so the first paint carries only the frame), and what the nav needs to offer it.
 * A page module's default export is a component taking `{ params, query }`; it exports its `WORDS`.
 */
export const ROUTES = [
  ["/activity", () => import("./page-activity.js")],
  ["/customers", () => import("./page-customers.js")],
  ["/customers/:customerId", () => import("./page-customer.js")],
  ["/redemptions/:redemptionId", () => import("./page-redemption.js")],
  ["/claims", () => import("./page-claims.js")],
  ["/alerts", () => import("./page-alerts.js")],
  ["/settings", () => import("./page-settings.js")],
  ["/settings/:section", () => import("./page-settings.js")],
  ["/settings/programs/:programId", () => import("./page-program.js")],
];

/** The nav: each item shown only to a role holding one of its permissions. */
export const NAV = [
  { path: "/activity", word: "navActivity", anyOf: ["activity:read"] },
  { path: "/customers", word: "navCustomers", anyOf: ["customers:read"] },
  { path: "/claims", word: "navClaims", anyOf: ["claims:review"] },
  { path: "/alerts", word: "navAlerts", anyOf: ["alerts:review"] },
  {
    path: "/settings",
    word: "navSettings",
    anyOf: ["locations:manage", "programs:manage", "staff:manage", "keys:manage"],
  },
];

/** Where a signed-in member lands: the first screen their role may open. */
export function homePath(can) {
  return NAV.find((item) => item.anyOf.some(can))?.path;
}
