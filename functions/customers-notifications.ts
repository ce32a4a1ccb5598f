import * as z from "zod";
import { notFound } from "../shared/errors.ts";
import { listNotifications } from "../shared/notifications/records.ts";
import { runtimeDeps } from "../shared/runtime.ts";
import { readCustomer } from "../shared/store/customers/profile.ts";
import { parse, staffHandler } from "./http/api.ts";
import { CustomerPath } from "./http/params.ts";

export const Query = z.strictObject({ limit: z.coerce.number().int().min(1).max(100).default(20) });

/** GET /v1/customers/{customerId}/notifications: what the customer was told, through which channels, and how it went. */
export const handler = staffHandler(async (request, principal) => {
  const { customerId } = parse(CustomerPath, request.event.pathParameters, "path");
  const { limit } = parse(Query, request.event.queryStringParameters, "query");
  const { db } = runtimeDeps();
  // Another merchant's customer is a 404 like a missing one.
  if (!(await readCustomer(db, principal.merchantId, customerId))) throw notFound("Customer");
  return {
    status: 200,
    body: { notifications: await listNotifications(db, principal.merchantId, customerId, limit) },
  };
});
