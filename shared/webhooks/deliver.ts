import { createHash } from "node:crypto";
import { encodeTime } from "ulidx";
import type { Principal } from "../auth/principal.ts";
import type { Clock } from "../clock.ts";
import { conflict, notFound } from "../errors.ts";
import { logger } from "../logger.ts";
import type { Db } from "../store/db/client.ts";
import {
  claimAttempt,
  disableEndpoint,
  listEndpoints,
  putNewDelivery,
  readDelivery,
  readDueDeliveries,
  readEndpoint,
  readEventItem,
  recordAttempt,
  recordEndpointOutcome,
  WEBHOOK_DUE_SHARDS,
} from "../store/webhooks.ts";
import { requireEndpoint, signingSecrets } from "./endpoints.ts";
import { type PendingEvent, type WebhookEvent, type WebhookEventType, webhookEventOf } from "./events.ts";
import type { WebhookSender } from "./http-sender.ts";
import type { WebhookDelivery, WebhookEndpoint } from "./model.ts";
import { failingTooLong, isGone, isSuccess, nextAttemptAt, type Random } from "./schedule.ts";
import { webhookHeaders } from "./signing.ts";

/**
 * At-least-once delivery. Each event is written as one delivery per subscribed endpoint (a conditional
 * put under a webhook-id derived from the event's item and the endpoint, so a stream record seen twice
 * makes nothing new) before any attempt; each attempt is claimed first (a conditional bump of its count,
 * moving its due time to the end of a lease), so an attempt that dies half-way is taken again by the
 * retry job once the lease ends, and two workers never send the same attempt.
 */

export interface DeliveryDeps {
  db: Db;
  clock: Clock;
  send: WebhookSender;
  random: Random;
  /** Tells the merchant's owners that an endpoint was switched off (./owner-notice.ts). */
  notifyDisabled?: (endpoint: WebhookEndpoint, reason: "failing" | "gone") => Promise<void>;
}

/** A claimed attempt that neither succeeded nor failed by then (its worker died) is due again. */
export const ATTEMPT_LEASE_MS = 2 * 60_000;
/** Attempts sent at once by one worker. */
const CONCURRENCY = 8;

/**
 * The webhook-id: the event's time (so the delivery log sorts by it, newest first) and a hash of the
 * event's item, its type and the endpoint. ULID-shaped, with no `.` (the signed content is dot-separated).
 */
export function webhookId(
  event: Pick<WebhookEvent, "source" | "type" | "occurredAt">,
  endpointId: string,
): string {
  const hash = createHash("sha256").update(`${event.source}\n${event.type}\n${endpointId}`).digest();
  const CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
  let tail = "";
  for (let i = 0; i < 16; i++) tail += CROCKFORD[(hash[i] ?? 0) % 32];
  return `msg_${encodeTime(Date.parse(event.occurredAt), 10)}${tail}`;
}

/** The body sent: Standard Webhooks' suggested `{ type, timestamp, data }`. */
export const payloadOf = (event: WebhookEvent) =>
  JSON.stringify({ type: event.type, timestamp: event.occurredAt, data: event.data });

const leaseEnd = (now: Date) => new Date(now.getTime() + ATTEMPT_LEASE_MS).toISOString();

/** Runs `work` over the items, at most CONCURRENCY at a time, while `more()` says there is time. */
async function eachBounded<T>(items: readonly T[], work: (item: T) => Promise<void>, more = () => true) {
  let next = 0;
  const worker = async () => {
    while (next < items.length && more()) await work(items[next++] as T);
  };
  await Promise.all(Array.from({ length: Math.min(CONCURRENCY, items.length) }, worker));
}

/** An event whose payload is read only if an endpoint wants it. */
export interface LazyEvent {
  type: WebhookEventType;
  merchantId: string;
  read: () => Promise<WebhookEvent | undefined>;
}

/** A stream record's event, its item read back when asked. */
export const lazyEvent = (db: Db, pending: PendingEvent): LazyEvent => ({
  type: pending.type,
  merchantId: pending.merchantId,
  read: async () => {
    const item = await readEventItem(db, pending.key);
    return item && webhookEventOf(pending, item);
  },
});

/**
 * The stream's side: every event's deliveries written, then attempted while `more()` says there is
 * time; those not attempted are due at the end of their lease, for the retry job. A table error throws
 * (the record is delivered again, and what was already written is not written twice); a receiver's
 * failure never does: it is scheduled. An event no endpoint wants costs one read of the endpoints.
 */
export async function fanOut(
  deps: DeliveryDeps,
  events: readonly LazyEvent[],
  more = () => true,
): Promise<number> {
  const endpointsOf = new Map<string, Promise<WebhookEndpoint[]>>();
  const fresh: { delivery: WebhookDelivery; endpoint: WebhookEndpoint }[] = [];
  for (const lazy of events) {
    let endpoints = endpointsOf.get(lazy.merchantId);
    if (!endpoints) {
      endpoints = listEndpoints(deps.db, lazy.merchantId);
      endpointsOf.set(lazy.merchantId, endpoints);
    }
    const subscribed = (await endpoints).filter((e) => e.enabled && e.eventTypes.includes(lazy.type));
    if (subscribed.length === 0) continue;
    const event = await lazy.read();
    if (!event) continue;
    const now = deps.clock();
    for (const endpoint of subscribed) {
      const delivery: WebhookDelivery = {
        merchantId: event.merchantId,
        endpointId: endpoint.id,
        id: webhookId(event, endpoint.id),
        eventType: event.type,
        occurredAt: event.occurredAt,
        payload: payloadOf(event),
        status: "pending",
        attempts: 0,
        round: 0,
        createdAt: now.toISOString(),
      };
      if (await putNewDelivery(deps.db, delivery, leaseEnd(now))) fresh.push({ delivery, endpoint });
    }
  }
  await eachBounded(
    fresh,
    ({ delivery, endpoint }) => attemptDelivery(deps, delivery, endpoint).then(() => undefined),
    more,
  );
  return fresh.length;
}

export type AttemptResult = WebhookDelivery | undefined;

/**
 * One attempt: claimed, signed with every secret still signing, sent, recorded; then the endpoint's
 * failure run is updated, and an endpoint failing for 5 days (or answering 410 Gone) is disabled, its
 * owners told once. The delivery as recorded; undefined when another worker had claimed it.
 */
export async function attemptDelivery(
  deps: DeliveryDeps,
  seen: WebhookDelivery,
  endpoint: WebhookEndpoint,
  options: { restart?: boolean } = {},
): Promise<AttemptResult> {
  const claimedAt = deps.clock();
  const claimed = await claimAttempt(deps.db, seen, leaseEnd(claimedAt), {
    requirePending: !options.restart,
    ...(options.restart ? { restart: true } : {}),
  });
  if (!claimed) return undefined;
  const sentAt = deps.clock();
  const secrets = signingSecrets(endpoint, sentAt).map((s) => s.secret);
  const outcome = await deps.send({
    url: endpoint.url,
    headers: webhookHeaders(secrets, claimed.id, sentAt, claimed.payload),
    body: claimed.payload,
  });
  const doneAt = deps.clock();
  const succeeded = isSuccess(outcome.status);
  const gone = isGone(outcome.status);
  const retryAt =
    succeeded || gone
      ? undefined
      : nextAttemptAt(claimed.round, doneAt, deps.random, outcome.retryAfterSeconds);
  const next = succeeded
    ? ({ status: "delivered" } as const)
    : retryAt
      ? ({ status: "pending", at: retryAt.toISOString() } as const)
      : ({ status: "failed" } as const);
  const at = doneAt.toISOString();
  await recordAttempt(deps.db, claimed, {
    at,
    ...(outcome.status === undefined ? {} : { statusCode: outcome.status }),
    ...(outcome.error === undefined ? {} : { error: outcome.error }),
    next,
  });
  await endpointOutcome(deps, endpoint, succeeded, gone, doneAt);
  const recorded: WebhookDelivery = {
    ...claimed,
    status: next.status,
    lastAttemptAt: at,
    ...(next.status === "pending" ? { nextAttemptAt: next.at } : {}),
    ...(next.status === "delivered" ? { deliveredAt: at } : {}),
  };
  if (next.status !== "pending") delete recorded.nextAttemptAt;
  if (outcome.status === undefined) delete recorded.lastStatusCode;
  else recorded.lastStatusCode = outcome.status;
  if (outcome.error === undefined) delete recorded.lastError;
  else recorded.lastError = outcome.error;
  return recorded;
}

async function endpointOutcome(
  deps: DeliveryDeps,
  endpoint: WebhookEndpoint,
  succeeded: boolean,
  gone: boolean,
  at: Date,
): Promise<void> {
  // A success on an endpoint that was not failing changes nothing: no write.
  if (succeeded && endpoint.consecutiveFailures === 0 && endpoint.failingSince === undefined) return;
  const after = await recordEndpointOutcome(deps.db, endpoint, succeeded, at.toISOString());
  if (succeeded || !after?.enabled) return;
  const reason = gone ? "gone" : failingTooLong(after.failingSince, at) ? "failing" : undefined;
  if (!reason) return;
  if (!(await disableEndpoint(deps.db, endpoint, reason, at.toISOString()))) return;
  logger.warn("webhook endpoint disabled", {
    merchantId: endpoint.merchantId,
    endpointId: endpoint.id,
    reason,
    failingSince: after.failingSince,
    consecutiveFailures: after.consecutiveFailures,
  });
  await deps.notifyDisabled?.(after, reason).catch((error: unknown) =>
    // The endpoint stays disabled and its log says why; a lost notice is logged, not retried.
    logger.error("webhook disabled notice failed", {
      merchantId: endpoint.merchantId,
      endpointId: endpoint.id,
      error: (error as Error).name,
    }),
  );
}

export interface RetryRunResult {
  attempted: number;
  delivered: number;
  rescheduled: number;
  failed: number;
  /** Pending deliveries of endpoints deleted or disabled since: settled as failed, not sent. */
  abandoned: number;
  complete: boolean;
}

/**
 * The retry job: every pending delivery due by `now`, shard by shard, oldest first, until done or
 * `remainingMs` nears the end. The due index is eventually consistent: the delivery itself, read
 * consistently, says whether it is still due.
 */
export async function runRetries(
  deps: DeliveryDeps,
  options: { now: Date; remainingMs?: () => number },
): Promise<RetryRunResult> {
  const result: RetryRunResult = {
    attempted: 0,
    delivered: 0,
    rescheduled: 0,
    failed: 0,
    abandoned: 0,
    complete: true,
  };
  const more = () => (options.remainingMs ? options.remainingMs() > 30_000 : true);
  const now = options.now.toISOString();
  const endpoints = new Map<string, Promise<WebhookEndpoint | undefined>>();
  const endpointOf = (merchantId: string, endpointId: string) => {
    const key = `${merchantId}/${endpointId}`;
    let found = endpoints.get(key);
    if (!found) {
      found = readEndpoint(deps.db, merchantId, endpointId);
      endpoints.set(key, found);
    }
    return found;
  };
  for (let shard = 0; shard < WEBHOOK_DUE_SHARDS; shard++) {
    let startKey: Record<string, unknown> | undefined;
    do {
      if (!more()) return { ...result, complete: false };
      const page = await readDueDeliveries(deps.db, shard, now, startKey);
      await eachBounded(
        page.due,
        async (due) => {
          const delivery = await readDelivery(deps.db, due.merchantId, due.endpointId, due.id);
          if (delivery?.status !== "pending" || (delivery.nextAttemptAt ?? "") > now) return;
          const endpoint = await endpointOf(due.merchantId, due.endpointId);
          if (!endpoint?.enabled) {
            const settled = await recordAttempt(deps.db, delivery, {
              at: delivery.lastAttemptAt ?? delivery.createdAt,
              ...(delivery.lastStatusCode === undefined ? {} : { statusCode: delivery.lastStatusCode }),
              error: endpoint ? "endpoint disabled" : "endpoint deleted",
              next: { status: "failed" },
            });
            if (settled) result.abandoned++;
            return;
          }
          const done = await attemptDelivery(deps, delivery, endpoint);
          if (!done) return;
          result.attempted++;
          if (done.status === "delivered") result.delivered++;
          else if (done.status === "pending") result.rescheduled++;
          else result.failed++;
        },
        more,
      );
      startKey = page.next;
    } while (startKey);
  }
  return { ...result, complete: more() };
}

/**
 * Manual redelivery: an attempt now, whatever became of the delivery, starting a new retry schedule if it
 * fails. The endpoint must be the caller's merchant's and enabled.
 */
export async function redeliver(
  deps: DeliveryDeps,
  principal: Principal,
  endpointId: string,
  deliveryId: string,
): Promise<WebhookDelivery> {
  const endpoint = await requireEndpoint(deps.db, principal, endpointId);
  const delivery = await readDelivery(deps.db, principal.merchantId, endpointId, deliveryId);
  if (!delivery) throw notFound("Webhook delivery");
  if (!endpoint.enabled) throw conflict("This endpoint is disabled; enable it before redelivering.");
  const done = await attemptDelivery(deps, delivery, endpoint, { restart: true });
  if (!done) throw conflict("Another attempt of this delivery is under way; try again in a moment.");
  return done;
}

/** What the delivery log shows of a delivery. */
export function deliveryView(delivery: Omit<WebhookDelivery, "payload">) {
  return {
    id: delivery.id,
    eventType: delivery.eventType,
    occurredAt: delivery.occurredAt,
    status: delivery.status,
    attempts: delivery.attempts,
    lastAttemptAt: delivery.lastAttemptAt ?? null,
    lastResponseStatus: delivery.lastStatusCode ?? null,
    lastError: delivery.lastError ?? null,
    nextAttemptAt: delivery.status === "pending" ? (delivery.nextAttemptAt ?? null) : null,
    deliveredAt: delivery.deliveredAt ?? null,
    createdAt: delivery.createdAt,
  };
}

export type DeliveryView = ReturnType<typeof deliveryView>;
