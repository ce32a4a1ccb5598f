import { randomUUID } from "node:crypto";
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { ScheduledEvent } from "aws-lambda";
import { Webhook } from "standardwebhooks";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { handler as retryJob } from "../../functions/webhooks-retry.ts";
import { lambdaContext } from "../../infra/local/api-gateway-event.ts";
import { DEMO } from "../../infra/local/seed.ts";
import { startLocalWebhooks } from "../../infra/local/webhooks.ts";
import { startTestStack, type TestStack } from "../support/test-stack.ts";
import { eventually } from "../support/wallet.ts";

/**
 * Webhooks through the whole local stack: registered over the API, an earn → the table's stream → the
 * webhooks handler (a third stream poller) → a receiver on loopback, checked with Standard Webhooks'
 * reference library; a failing receiver retried by the retry job run with a time; the delivery log,
 * redelivery, and another merchant kept out.
 */

interface Received {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

let stack: TestStack;
let webhooks: Awaited<ReturnType<typeof startLocalWebhooks>>;
let receiver: Server;
let receiverUrl: string;
let alice: string;
const received: Received[] = [];
/** The status each path answers; 200 when not set. */
const statusOf = new Map<string, number>();

beforeAll(async () => {
  receiver = createServer((req, res) => {
    let body = "";
    req.on("data", (chunk) => {
      body += chunk;
    });
    req.on("end", () => {
      const path = req.url ?? "/";
      received.push({ path, headers: req.headers, body });
      res.writeHead(statusOf.get(path) ?? 200).end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
  stack = await startTestStack();
  webhooks = await startLocalWebhooks({
    dynamoEndpoint: inject("dynamoEndpoint"),
    tableName: stack.db.table,
    pollIntervalMs: 50,
  });
  alice = await stack.token("alice");
});
afterAll(async () => {
  await webhooks?.close();
  await stack?.close();
  receiver?.closeAllConnections();
  await new Promise((resolve) => receiver?.close(resolve));
});

const post = (path: string, body?: unknown, token = alice) =>
  stack.call("POST", path, {
    token,
    ...(body === undefined ? {} : { body }),
    headers: { "idempotency-key": randomUUID() },
  });

async function register(path: string, eventTypes = ["entry.created"]) {
  const created = await post("/v1/webhooks", { url: `${receiverUrl}${path}`, eventTypes, description: path });
  expect(created.status).toBe(201);
  return { id: created.body.webhook.id as string, secret: created.body.secret as string };
}

const earn = (amount: string) =>
  post("/v1/transactions", {
    barcode: DEMO.customers.camille.barcode,
    locationId: "paris-01",
    type: "purchase",
    amount,
    currency: "EUR",
  });

const at = (path: string) => received.filter((r) => r.path === path);
const payloadOf = (r: Received) =>
  JSON.parse(r.body) as { type: string; timestamp: string; data: { id: string } };
const deliveries = async (webhookId: string) => {
  const log = await stack.call("GET", `/v1/webhooks/${webhookId}/deliveries`, { token: alice });
  expect(log.status).toBe(200);
  return log.body.deliveries as {
    id: string;
    status: string;
    attempts: number;
    lastResponseStatus: number | null;
    nextAttemptAt: string | null;
    eventType: string;
  }[];
};

async function runRetryJob(time: string) {
  const event = { time, id: randomUUID(), detail: {} } as unknown as ScheduledEvent;
  return retryJob(event, lambdaContext("webhooks-retry", event.id, 512, 60_000));
}

describe("webhooks", () => {
  it("registers an endpoint, shows its secret once, and refuses unsafe URLs", async () => {
    const { id, secret } = await register("/registered");
    expect(secret).toMatch(/^whsec_/);
    const got = await stack.call("GET", `/v1/webhooks/${id}`, { token: alice });
    expect(got.status).toBe(200);
    expect(got.body.webhook).toMatchObject({ id, enabled: true, eventTypes: ["entry.created"] });
    expect(JSON.stringify(got.body)).not.toContain(secret);
    const listed = await stack.call("GET", "/v1/webhooks", { token: alice });
    expect(JSON.stringify(listed.body)).not.toContain(secret);

    for (const url of [
      "https://169.254.169.254/latest/meta-data/",
      "https://10.0.0.1/hook",
      "http://example.com/hook",
    ]) {
      const refused = await post("/v1/webhooks", { url, eventTypes: ["entry.created"] });
      expect(refused.status, url).toBe(400);
      expect(refused.body.errors[0].field).toBe("url");
    }
    const unknownEvent = await post("/v1/webhooks", {
      url: `${receiverUrl}/x`,
      eventTypes: ["entry.deleted"],
    });
    expect(unknownEvent.status).toBe(400);
    const noKey = await stack.call("POST", "/v1/webhooks", {
      token: alice,
      body: { url: `${receiverUrl}/x`, eventTypes: ["entry.created"] },
    });
    expect(noKey.status).toBe(400);
    // Staff without webhooks:manage (bob) are refused.
    const bob = await stack.token("bob");
    expect((await stack.call("GET", "/v1/webhooks", { token: bob })).status).toBe(403);
    expect((await stack.call("DELETE", `/v1/webhooks/${id}`, { token: alice })).status).toBe(204);
    expect((await stack.call("GET", `/v1/webhooks/${id}`, { token: alice })).status).toBe(404);
  });

  it("delivers a signed entry.created once per earn, which the reference library verifies", async () => {
    const { id, secret } = await register("/good");
    const first = await earn("12.00");
    expect(first.status).toBe(201);
    const entryId = first.body.transaction.id as string;
    const delivered = await eventually(
      async () => at("/good").find((r) => payloadOf(r).data.id === entryId),
      20_000,
      "the earn's webhook",
    );
    const payload = new Webhook(secret).verify(delivered.body, delivered.headers as Record<string, string>);
    expect(payload).toMatchObject({
      type: "entry.created",
      data: { id: entryId, type: "purchase", points: 12, customerId: DEMO.customers.camille.id },
    });
    expect(JSON.stringify(payload)).not.toMatch(/MERCHANT#|gsi\d|passToken/);
    // A later earn's webhook arriving means the first record was handled for good: still once.
    const second = await earn("3.00");
    await eventually(
      async () => at("/good").find((r) => payloadOf(r).data.id === second.body.transaction.id),
      20_000,
      "the second earn's webhook",
    );
    expect(at("/good").filter((r) => payloadOf(r).data.id === entryId)).toHaveLength(1);
    const log = await deliveries(id);
    expect(log.map((d) => d.status)).toEqual(["delivered", "delivered"]);
    expect(log[1]).toMatchObject({
      id: delivered.headers["webhook-id"],
      eventType: "entry.created",
      attempts: 1,
      lastResponseStatus: 200,
    });
  });

  it("retries a failing receiver with the retry job, shows it in the log, and redelivers on demand", async () => {
    statusOf.set("/flaky", 500);
    const { id, secret } = await register("/flaky");
    const earned = await earn("7.00");
    const entryId = earned.body.transaction.id as string;
    const [pending] = await eventually(
      async () => {
        const log = await deliveries(id);
        return log[0]?.lastResponseStatus === 500 ? log : undefined;
      },
      20_000,
      "the failed first attempt",
    );
    expect(pending).toMatchObject({ status: "pending", attempts: 1, lastResponseStatus: 500 });
    expect(pending?.nextAttemptAt).toEqual(expect.any(String));

    // Not due yet: the job sends nothing.
    const early = await runRetryJob(new Date(Date.parse(pending?.nextAttemptAt ?? "") - 1_000).toISOString());
    expect(early.attempted).toBe(0);
    statusOf.set("/flaky", 204);
    const run = await runRetryJob(pending?.nextAttemptAt ?? "");
    expect(run).toMatchObject({ attempted: 1, delivered: 1 });
    const [done] = await deliveries(id);
    expect(done).toMatchObject({
      id: pending?.id,
      status: "delivered",
      attempts: 2,
      lastResponseStatus: 204,
      nextAttemptAt: null,
    });
    const attempts = at("/flaky").filter((r) => payloadOf(r).data.id === entryId);
    expect(attempts).toHaveLength(2);
    expect(new Set(attempts.map((r) => r.headers["webhook-id"]))).toEqual(new Set([pending?.id]));
    for (const attempt of attempts)
      new Webhook(secret).verify(attempt.body, attempt.headers as Record<string, string>);

    const redelivered = await stack.call("POST", `/v1/webhooks/${id}/deliveries/${pending?.id}/redeliver`, {
      token: alice,
    });
    expect(redelivered.status).toBe(200);
    expect(redelivered.body.delivery).toMatchObject({ id: pending?.id, status: "delivered", attempts: 3 });
    expect(at("/flaky").filter((r) => r.headers["webhook-id"] === pending?.id)).toHaveLength(3);
  });

  it("signs with both secrets after a rotation", async () => {
    const { id, secret: old } = await register("/rotating");
    const rotated = await post(`/v1/webhooks/${id}/rotate-secret`);
    expect(rotated.status).toBe(200);
    const fresh = rotated.body.secret as string;
    expect(rotated.body.webhook.previousSecretExpiresAt).toEqual(expect.any(String));
    const earned = await earn("2.00");
    const delivered = await eventually(
      async () => at("/rotating").find((r) => payloadOf(r).data.id === earned.body.transaction.id),
      20_000,
      "the webhook after rotation",
    );
    const headers = delivered.headers as Record<string, string>;
    expect(headers["webhook-signature"]?.split(" ")).toHaveLength(2);
    expect(new Webhook(fresh).verify(delivered.body, headers)).toBeTruthy();
    expect(new Webhook(old).verify(delivered.body, headers)).toBeTruthy();
  });

  it("keeps another merchant out: its staff see none of the endpoint and its log (404)", async () => {
    const { id } = await register("/private");
    const [someDelivery] = await eventually(
      async () => {
        await earn("1.00");
        const log = await deliveries(id);
        return log.length > 0 ? log : undefined;
      },
      20_000,
      "a delivery to the private endpoint",
    );
    const mallory = await stack.token("mallory");
    const listed = await stack.call("GET", "/v1/webhooks", { token: mallory });
    expect(listed.status).toBe(200);
    expect(listed.body.webhooks).toEqual([]);
    expect((await stack.call("GET", `/v1/webhooks/${id}`, { token: mallory })).status).toBe(404);
    expect(
      (await stack.call("PATCH", `/v1/webhooks/${id}`, { token: mallory, body: { enabled: false } })).status,
    ).toBe(404);
    expect((await stack.call("GET", `/v1/webhooks/${id}/deliveries`, { token: mallory })).status).toBe(404);
    expect(
      (
        await stack.call("POST", `/v1/webhooks/${id}/deliveries/${someDelivery?.id}/redeliver`, {
          token: mallory,
        })
      ).status,
    ).toBe(404);
    expect((await post(`/v1/webhooks/${id}/rotate-secret`, undefined, mallory)).status).toBe(404);
    expect((await stack.call("DELETE", `/v1/webhooks/${id}`, { token: mallory })).status).toBe(404);
    expect((await stack.call("GET", `/v1/webhooks/${id}`, { token: alice })).status).toBe(200);
  });

  it("stops sending to an endpoint staff switch off, and refuses its redelivery until it is on again", async () => {
    const { id } = await register("/switched");
    const off = await stack.call("PATCH", `/v1/webhooks/${id}`, { token: alice, body: { enabled: false } });
    expect(off.status).toBe(200);
    expect(off.body.webhook).toMatchObject({ enabled: false, disabledReason: null });
    const earned = await earn("4.00");
    // A webhook of that same earn reaching another endpoint shows its record was handled.
    const { id: witness } = await register("/witness");
    const next = await earn("5.00");
    await eventually(
      async () => at("/witness").find((r) => payloadOf(r).data.id === next.body.transaction.id),
      20_000,
      "the witness's webhook",
    );
    expect(at("/switched").filter((r) => payloadOf(r).data.id === earned.body.transaction.id)).toEqual([]);
    expect(await deliveries(id)).toEqual([]);
    // A switched-off endpoint's deliveries are not sent again until it is switched on.
    const [witnessed] = await deliveries(witness);
    expect(
      (await stack.call("PATCH", `/v1/webhooks/${witness}`, { token: alice, body: { enabled: false } }))
        .status,
    ).toBe(200);
    const redeliver = () =>
      stack.call("POST", `/v1/webhooks/${witness}/deliveries/${witnessed?.id}/redeliver`, { token: alice });
    expect((await redeliver()).status).toBe(409);
    expect(
      (await stack.call("PATCH", `/v1/webhooks/${witness}`, { token: alice, body: { enabled: true } }))
        .status,
    ).toBe(200);
    expect((await redeliver()).status).toBe(200);
  });

  // Last: it gives the program tiers, which would multiply the earlier tests' points.
  it("sends tier.changed when an earn promotes a member, signed, besides the tier_change's entry.created", async () => {
    const { id, secret } = await register("/tiers", ["tier.changed"]);
    const { id: entries } = await register("/tier-entries", ["entry.created"]);
    const programPath = `/v1/programs/${DEMO.locations["paris-01"].programId}`;
    const { program } = (await stack.call("GET", programPath, { token: alice })).body;
    const tiers = {
      window: { kind: "rolling", months: 12 },
      levels: [
        { name: "Bronze", threshold: 0, multiplier: "1" },
        { name: "Silver", threshold: 5, multiplier: "1.5" },
      ],
    };
    const saved = await stack.call("PUT", programPath, {
      token: alice,
      body: { name: program.name, rule: program.rule, expiry: program.expiry, tiers },
      headers: { "idempotency-key": randomUUID() },
    });
    expect(saved.status).toBe(200);
    const joined = await post("/v1/customers", { name: "Tier Member" });
    expect(joined.status).toBe(201);
    const customerId = joined.body.customer.id as string;
    const promoting = await post("/v1/transactions", {
      customerId,
      locationId: "paris-01",
      type: "purchase",
      amount: "6.00",
      currency: "EUR",
    });
    expect(promoting.status).toBe(201);
    const delivered = await eventually(async () => at("/tiers")[0], 20_000, "the tier.changed webhook");
    const payload = new Webhook(secret).verify(delivered.body, delivered.headers as Record<string, string>);
    expect(payload).toMatchObject({
      type: "tier.changed",
      data: {
        customerId,
        programId: DEMO.locations["paris-01"].programId,
        direction: "promotion",
        from: "Bronze",
        to: "Silver",
        reason: "earn",
        causedByEntryId: promoting.body.transaction.id,
      },
    });
    const change = (payload as { data: { entryId: string } }).data.entryId;
    const ledger = await stack.call("GET", `/v1/customers/${customerId}/ledger`, { token: alice });
    expect(ledger.body.entries.find((e: { id: string }) => e.id === change)).toMatchObject({
      type: "tier_change",
    });
    // The same entry reaches an entry.created endpoint as itself, under another webhook-id.
    const asEntry = await eventually(
      async () => at("/tier-entries").find((r) => payloadOf(r).data.id === change),
      20_000,
      "the tier_change's entry.created",
    );
    expect(asEntry.headers["webhook-id"]).not.toBe(delivered.headers["webhook-id"]);
    expect((await deliveries(id)).map((d) => d.eventType)).toEqual(["tier.changed"]);
    expect(await deliveries(entries)).toHaveLength(2);
  });
});
