import { notFound } from "../shared/errors.ts";
import { upcomingExpiries } from "../shared/expiry/upcoming.ts";
import { customerReachability } from "../shared/notifications/reachability.ts";
import { runtimeDeps } from "../shared/runtime.ts";
import { readCustomer } from "../shared/store/customers/profile.ts";
import { tierProgress } from "../shared/tiers/progress.ts";
import { customerView } from "../shared/views.ts";
import { parse, staffHandler } from "./http/api.ts";

import { CustomerPath } from "./http/params.ts";

/**
 * GET /v1/customers/{customerId}: profile and balance, what expires when (the member's own answer, so staff
 * asked "when do my points expire?" read what the customer reads), and whether notifications can reach the
 * customer (beside the customer view, which other responses and idempotency replays share).
 */
export const handler = staffHandler(async (request, principal) => {
  const { customerId } = parse(CustomerPath, request.event.pathParameters, "path");
  const { db, clock } = runtimeDeps();
  const customer = await readCustomer(db, principal.merchantId, customerId);
  if (!customer) throw notFound("Customer");
  const now = clock();
  const [reachability, expiries, tiers] = await Promise.all([
    customerReachability(db, customer),
    upcomingExpiries(db, principal.merchantId, customerId, now),
    tierProgress(db, customer, now),
  ]);
  return {
    status: 200,
    body: { customer: customerView(customer), upcomingExpiries: expiries, reachability, tiers },
  };
});
