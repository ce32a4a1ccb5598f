import type { Alert } from "./rules.ts";

/** What the API shows of an alert: everything but the merchant (the caller's own). */
export const alertView = (alert: Alert) => ({
  id: alert.id,
  rule: alert.rule,
  subject: alert.subject,
  window: alert.window,
  threshold: alert.threshold,
  observed: alert.observed,
  entries: alert.entries.map((entry) => ({
    id: entry.id,
    type: entry.type,
    points: entry.points,
    customerId: entry.customerId,
    staffId: entry.staffId ?? null,
    locationId: entry.locationId ?? null,
    createdAt: entry.createdAt,
  })),
  createdAt: alert.createdAt,
});
