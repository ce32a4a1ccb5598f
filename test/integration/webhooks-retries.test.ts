import { Webhook } from "standardwebhooks";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PERMISSIONS } from "../../shared/auth/permissions.ts";
import type { Principal } from "../../shared/auth/principal.ts";
import type { Db } from "../../shared/store/db/client.ts";
import { readDelivery, readEndpoint } from "../../shared/store/webhooks.ts";
import type { Resolver } from "../../shared/webhooks/address-guard.ts";
import {
  type DeliveryDeps,
  fanOut as fanOutLazy,
  type LazyEvent,
  redeliver,
  runRetries,
  webhookId,
} from "../../shared/webhooks/deliver.ts";
import { createEndpoint, rotateSecret, updateEndpoint } from "../../shared/webhooks/endpoints.ts";
import type { WebhookEvent } from "../../shared/webhooks/events.ts";
import type { SendOutcome, WebhookRequest } from "../../shared/webhooks/http-sender.ts";
import type { WebhookEndpoint } from "../../shared/webhooks/model.ts";
import { DISABLE_AFTER_MS, MAX_ATTEMPTS, RETRY_DELAYS_MS } from "../../shared/webhooks/schedule.ts";
import { testDb } from "../support/test-stack.ts";

/**
 * Delivery, retries and disabling against DynamoDB Local with an injected clock and a fake sender: the
 * schedule is walked by running the retry job at each due time, days in a few seconds.
 */

let db: Db;
let now: Date;
const requests: WebhookRequest[] = [];
/** What the receiver answers, per URL: the next outcomes in order, then the last one again. */
const answers = new Map<string, SendOutcome[]>();
const disabledNotices: { endpointId: string; reason: string }[] = [];

const deps = (): DeliveryDeps => ({
  db,
  clock: () => now,
  random: () => 0,
  send: async (request) => {
    requests.push(request);
    const queue = answers.get(request.url) ?? [{ status: 200 }];
    return (queue.length > 1 ? queue.shift() : queue[0]) as SendOutcome;
  },
  notifyDisabled: async (endpoint, reason) => {
    disabledNotices.push({ endpointId: endpoint.id, reason });
  },
});

const publicHost: Resolver = async () => [{ address: "93.184.215.14", family: 4 }];
const principal = (merchantId: string): Principal => ({
  merchantId,
  staffId: "owner",
  role: "owner",
  locationIds: "*",
  permissions: new Set(PERMISSIONS),
});

let counter = 0;
async function endpoint(
  merchantId: string,
  url: string,
): Promise<{ endpoint: WebhookEndpoint; secret: string }> {
  const created = await createEndpoint(
    { db, clock: () => now, policy: { allowLoopback: false }, resolve: publicHost },
    principal(merchantId),
    { url, eventTypes: ["entry.created"] },
    `key-${++counter}`,
  );
  const stored = await readEndpoint(db, merchantId, created.result.webhook.id);
  if (!stored) throw new Error("endpoint not stored");
  return { endpoint: stored, secret: created.result.secret };
}

const event = (merchantId: string, n: number): WebhookEvent => ({
  type: "entry.created",
  merchantId,
  source: `MERCHANT#${merchantId}#CUSTOMER#c1|ENTRY#${String(n).padStart(10, "0")}`,
  occurredAt: now.toISOString(),
  data: { id: `ent_${n}`, type: "purchase", points: n },
});

const at = (ms: number) => new Date(ms);
const lazy = (event: WebhookEvent): LazyEvent => ({
  type: event.type,
  merchantId: event.merchantId,
  read: async () => event,
});
const fanOut = (d: DeliveryDeps, events: WebhookEvent[]) => fanOutLazy(d, events.map(lazy));
const sentTo = (url: string) => requests.filter((r) => r.url === url);

beforeAll(async () => {
  db = await testDb();
});
afterAll(() => db.client.destroy());

describe("webhook delivery", () => {
  it("is retried on the schedule over more than 24 h, then given up, each attempt with the same webhook-id", async () => {
    now = new Date("2026-03-01T00:00:00.000Z");
    const url = "https://fails.example.com/hook";
    answers.set(url, [{ status: 500 }]);
    const { endpoint: target } = await endpoint("m-retry", url);
    const first = event("m-retry", 1);
    expect(await fanOut(deps(), [first])).toBe(1);
    // The same stream record again: nothing new is written, nothing is sent.
    expect(await fanOut(deps(), [first])).toBe(0);
    expect(sentTo(url)).toHaveLength(1);

    const id = webhookId(first, target.id);
    let delivery = await readDelivery(db, "m-retry", target.id, id);
    expect(delivery).toMatchObject({ status: "pending", attempts: 1, lastStatusCode: 500 });
    const start = now.getTime();
    for (let attempt = 2; attempt <= MAX_ATTEMPTS; attempt++) {
      const due = Date.parse(delivery?.nextAttemptAt ?? "");
      expect(due - now.getTime()).toBe(RETRY_DELAYS_MS[attempt - 2]);
      // Not before it is due.
      now = at(due - 1_000);
      expect((await runRetries(deps(), { now })).attempted).toBe(0);
      now = at(due);
      expect((await runRetries(deps(), { now })).attempted).toBe(1);
      delivery = await readDelivery(db, "m-retry", target.id, id);
      expect(delivery?.attempts).toBe(attempt);
    }
    expect(delivery).toMatchObject({ status: "failed", attempts: MAX_ATTEMPTS });
    expect(delivery?.nextAttemptAt).toBeUndefined();
    expect(now.getTime() - start).toBeGreaterThan(24 * 3_600_000);
    const sent = sentTo(url);
    expect(sent).toHaveLength(MAX_ATTEMPTS);
    expect(new Set(sent.map((r) => r.headers["webhook-id"]))).toEqual(new Set([id]));
    expect(new Set(sent.map((r) => r.body)).size).toBe(1);
    // Given up, and nothing more is due.
    now = at(now.getTime() + 7 * 86_400_000);
    expect((await runRetries(deps(), { now })).attempted).toBe(0);
  });

  it("delivers on a later attempt once the receiver recovers, and the endpoint's failure run ends", async () => {
    now = new Date("2026-04-01T00:00:00.000Z");
    const url = "https://recovers.example.com/hook";
    answers.set(url, [{ error: "timeout" }, { status: 502 }, { status: 200 }]);
    const { endpoint: target } = await endpoint("m-recover", url);
    const first = event("m-recover", 1);
    await fanOut(deps(), [first]);
    expect((await readEndpoint(db, "m-recover", target.id))?.consecutiveFailures).toBe(1);
    for (let i = 0; i < 2; i++) {
      const pending = await readDelivery(db, "m-recover", target.id, webhookId(first, target.id));
      now = at(Date.parse(pending?.nextAttemptAt ?? ""));
      await runRetries(deps(), { now });
    }
    const done = await readDelivery(db, "m-recover", target.id, webhookId(first, target.id));
    expect(done).toMatchObject({ status: "delivered", attempts: 3, lastStatusCode: 200 });
    const after = await readEndpoint(db, "m-recover", target.id);
    expect(after?.consecutiveFailures).toBe(0);
    expect(after?.failingSince).toBeUndefined();
    expect(after?.enabled).toBe(true);
  });

  it("disables an endpoint whose every attempt failed for 5 days, tells its owner once, and sends it nothing more", async () => {
    now = new Date("2026-05-01T00:00:00.000Z");
    const url = "https://down.example.com/hook";
    answers.set(url, [{ status: 503 }]);
    const { endpoint: target } = await endpoint("m-down", url);
    const start = now.getTime();
    // An event a day: each fails, and its retries too.
    let n = 0;
    while (now.getTime() - start < DISABLE_AFTER_MS - 86_400_000) {
      await fanOut(deps(), [event("m-down", ++n)]);
      now = at(now.getTime() + 86_400_000);
      await runRetries(deps(), { now });
    }
    expect((await readEndpoint(db, "m-down", target.id))?.enabled).toBe(true);
    expect(disabledNotices.filter((d) => d.endpointId === target.id)).toEqual([]);
    // Past 5 days of nothing but failures.
    now = at(start + DISABLE_AFTER_MS);
    await runRetries(deps(), { now });
    await fanOut(deps(), [event("m-down", ++n)]);
    const disabled = await readEndpoint(db, "m-down", target.id);
    expect(disabled).toMatchObject({ enabled: false, disabledReason: "failing" });
    expect(disabledNotices.filter((d) => d.endpointId === target.id)).toEqual([
      { endpointId: target.id, reason: "failing" },
    ]);

    const before = sentTo(url).length;
    await fanOut(deps(), [event("m-down", ++n)]);
    now = at(now.getTime() + 3 * 86_400_000);
    const run = await runRetries(deps(), { now });
    expect(sentTo(url).length).toBe(before);
    // What was still pending is settled as failed rather than sent.
    expect(run.abandoned).toBeGreaterThan(0);
    expect(disabledNotices.filter((d) => d.endpointId === target.id)).toHaveLength(1);

    // Staff enable it again: a fresh failure run, so one failure does not disable it at once.
    await updateEndpoint(
      { db, clock: () => now, policy: { allowLoopback: false }, resolve: publicHost },
      principal("m-down"),
      target.id,
      { enabled: true },
    );
    const reenabled = await readEndpoint(db, "m-down", target.id);
    expect(reenabled).toMatchObject({ enabled: true, consecutiveFailures: 0 });
    expect(reenabled?.failingSince).toBeUndefined();
    expect(reenabled?.disabledReason).toBeUndefined();
    await fanOut(deps(), [event("m-down", ++n)]);
    expect((await readEndpoint(db, "m-down", target.id))?.enabled).toBe(true);
  });

  it("disables an endpoint at once when it answers 410 Gone", async () => {
    now = new Date("2026-06-01T00:00:00.000Z");
    const url = "https://gone.example.com/hook";
    answers.set(url, [{ status: 410 }]);
    const { endpoint: target } = await endpoint("m-gone", url);
    const first = event("m-gone", 1);
    await fanOut(deps(), [first]);
    expect(await readEndpoint(db, "m-gone", target.id)).toMatchObject({
      enabled: false,
      disabledReason: "gone",
    });
    expect(await readDelivery(db, "m-gone", target.id, webhookId(first, target.id))).toMatchObject({
      status: "failed",
      lastStatusCode: 410,
    });
    expect(disabledNotices).toContainEqual({ endpointId: target.id, reason: "gone" });
  });

  it("signs with the old secret too for 24 h after a rotation, and redelivers with the same webhook-id", async () => {
    now = new Date();
    const url = "https://rotates.example.com/hook";
    answers.set(url, [{ status: 200 }]);
    const { endpoint: target, secret: old } = await endpoint("m-rotate", url);
    const rotated = await rotateSecret(
      { db, clock: () => now },
      principal("m-rotate"),
      target.id,
      "rotate-1",
    );
    const fresh = rotated.result.secret;
    expect(fresh).not.toBe(old);
    expect(rotated.result.webhook.previousSecretExpiresAt).toBe(
      new Date(now.getTime() + 86_400_000).toISOString(),
    );
    // The same key replays the same secret (the client may have missed the first answer).
    const replay = await rotateSecret({ db, clock: () => now }, principal("m-rotate"), target.id, "rotate-1");
    expect(replay).toMatchObject({ replayed: true, result: { secret: fresh } });

    const first = event("m-rotate", 1);
    await fanOut(deps(), [first]);
    const sent = sentTo(url).at(-1);
    if (!sent) throw new Error("nothing sent");
    expect(new Webhook(fresh).verify(sent.body, sent.headers)).toMatchObject({ type: "entry.created" });
    expect(new Webhook(old).verify(sent.body, sent.headers)).toMatchObject({ type: "entry.created" });

    const redelivered = await redeliver(
      deps(),
      principal("m-rotate"),
      target.id,
      webhookId(first, target.id),
    );
    expect(redelivered).toMatchObject({ status: "delivered", attempts: 2 });
    expect(sentTo(url).at(-1)?.headers["webhook-id"]).toBe(webhookId(first, target.id));
    // Another merchant cannot redeliver it: its endpoint is not found.
    await expect(
      redeliver(deps(), principal("m-other"), target.id, webhookId(first, target.id)),
    ).rejects.toMatchObject({ kind: "not-found" });

    // A day later only the new secret signs.
    const realNow = now;
    now = new Date(realNow.getTime() + 86_400_000 + 1_000);
    const second = event("m-rotate", 2);
    await fanOut(deps(), [second]);
    const later = sentTo(url).at(-1);
    if (!later) throw new Error("nothing sent");
    expect(later.headers["webhook-signature"]?.split(" ")).toHaveLength(1);
  });
});
