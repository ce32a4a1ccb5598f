import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, expect, inject, it } from "vitest";
import { DEMO } from "../../infra/local/seed.ts";
import { startLocalWebhooks } from "../../infra/local/webhooks.ts";
import { readEml } from "../support/mail.ts";
import { startTestStack, type TestStack } from "../support/test-stack.ts";
import { eventually } from "../support/wallet.ts";

// Issue 21, part 3: the rules are set in the merchant's settings, evaluated by the webhooks stream consumer
// (functions/webhooks-stream.ts, run here by the local stream poller as on AWS), listed by GET /v1/alerts
// and mailed to the owners through the local SES sink. Windows, replays and partial failures with an
// injected clock: test/integration/alerts-stream.test.ts.
let stack: TestStack;
let webhooks: Awaited<ReturnType<typeof startLocalWebhooks>>;
beforeAll(async () => {
  // The mail sink first: it sets the sender's variables the stream consumer's mailer reads.
  stack = await startTestStack({ notifications: true });
  webhooks = await startLocalWebhooks({
    dynamoEndpoint: inject("dynamoEndpoint"),
    tableName: stack.db.table,
    pollIntervalMs: 50,
  });
});
afterAll(async () => {
  await webhooks?.close();
  await stack?.close();
});

it("configures fraud rules in the settings; bounds name the field; staff may not; another merchant has none", async () => {
  const alice = await stack.token("alice");
  expect((await stack.call("GET", "/v1/settings", { token: alice })).body.settings.alertRules).toEqual({});
  const rules = { customerEarnsPerDay: 3, staffEntriesPerHour: 20, manualPointsAbove: 500 };
  const changed = await stack.call("PATCH", "/v1/settings", { token: alice, body: { alertRules: rules } });
  expect(changed.status).toBe(200);
  expect(changed.body.settings.alertRules).toEqual(rules);
  expect((await stack.call("GET", "/v1/settings", { token: alice })).body.settings.alertRules).toEqual(rules);

  // A PATCH replaces the rules as a whole: the ones left out are off.
  const fewer = await stack.call("PATCH", "/v1/settings", {
    token: alice,
    body: { alertRules: { manualPointsAbove: 100 } },
  });
  expect(fewer.body.settings.alertRules).toEqual({ manualPointsAbove: 100 });

  for (const [alertRules, field] of [
    [{ customerEarnsPerDay: 0 }, "alertRules.customerEarnsPerDay"],
    [{ staffEntriesPerHour: 1.5 }, "alertRules.staffEntriesPerHour"],
    [{ customerEarnsPerDay: 1001 }, "alertRules.customerEarnsPerDay"],
    [{ manualPointsAbove: 1_000_000 }, "alertRules.manualPointsAbove"],
    [{ manualPointsAbove: "500" }, "alertRules.manualPointsAbove"],
  ] as const) {
    const refused = await stack.call("PATCH", "/v1/settings", { token: alice, body: { alertRules } });
    expect(refused.status).toBe(400);
    expect(refused.headers.get("content-type")).toContain("application/problem+json");
    expect(refused.body.errors.map((e: { field: string }) => e.field)).toContain(field);
  }
  expect((await stack.call("GET", "/v1/settings", { token: alice })).body.settings.alertRules).toEqual({
    manualPointsAbove: 100,
  });

  const bob = await stack.token("bob");
  expect(
    (
      await stack.call("PATCH", "/v1/settings", {
        token: bob,
        body: { alertRules: { manualPointsAbove: 1 } },
      })
    ).status,
  ).toBe(403);
  const other = await stack.call("GET", "/v1/settings", { token: await stack.token("mallory") });
  expect(other.body.settings).toMatchObject({ id: "other", alertRules: {} });
});

it("lists the alerts the stream made, with their entries; mails the owner once; scoped and permissioned", async () => {
  const alice = await stack.token("alice");
  const post = (path: string, body: unknown) =>
    stack.call("POST", path, { token: alice, body, headers: { "idempotency-key": randomUUID() } });
  const rules = { manualPointsAbove: 100, staffEntriesPerHour: 1000 };
  expect(
    (await stack.call("PATCH", "/v1/settings", { token: alice, body: { alertRules: rules } })).status,
  ).toBe(200);
  const camille = DEMO.customers.camille;
  const big = await post(`/v1/customers/${camille.id}/points`, { points: 250, reason: "goodwill" });
  expect(big.status).toBe(201);
  const small = await post(`/v1/customers/${camille.id}/points`, { points: 20, reason: "goodwill" });
  expect(small.status).toBe(201);
  const bigEntryId: string = big.body.transaction.id;

  const listed = await eventually(
    async () => {
      const page = await stack.call("GET", "/v1/alerts", { token: alice });
      return page.body.alerts?.length ? page : undefined;
    },
    20_000,
    "an alert",
  );
  expect(listed.status).toBe(200);
  expect(listed.body.nextCursor).toBeNull();
  expect(listed.body.alerts).toHaveLength(1);
  const [alert] = listed.body.alerts;
  expect(alert).toMatchObject({
    rule: "manualPointsAbove",
    subject: { staffId: DEMO.staff.alice.id },
    threshold: 100,
    observed: 250,
  });
  expect(alert.entries).toEqual([
    {
      id: bigEntryId,
      type: "manual",
      points: 250,
      customerId: camille.id,
      staffId: DEMO.staff.alice.id,
      locationId: null,
      createdAt: alert.window.start,
    },
  ]);
  expect(
    (await stack.call("GET", "/v1/alerts?rule=manualPointsAbove", { token: alice })).body.alerts,
  ).toHaveLength(1);
  expect(
    (await stack.call("GET", "/v1/alerts?rule=customerEarnsPerDay", { token: alice })).body.alerts,
  ).toEqual([]);

  // One e-mail to the owner, with ids and no personal data of the member.
  const sink = stack.notifications?.mail;
  if (!sink) throw new Error("no mail sink");
  await sink.waitFor((m) => m.tags.kind === "fraud-alert", 10_000);
  const mails = sink.mails.filter((m) => m.tags.kind === "fraud-alert");
  expect(mails).toHaveLength(1);
  expect(mails[0]?.to).toEqual([DEMO.staff.alice.email]);
  const eml = await readEml(mails[0]?.file ?? "");
  expect(eml.subject).toBe("Fraud alert");
  expect(eml.text).toContain(bigEntryId);
  for (const personal of [camille.name, camille.phone, camille.email])
    expect(eml.text).not.toContain(personal);

  // Bad queries name the field; bob (staff) lacks alerts:review; another merchant sees none.
  for (const [query, field] of [
    ["rule=nope", "query.rule"],
    ["limit=0", "query.limit"],
    ["limit=101", "query.limit"],
    ["cursor=%21%21", "query.cursor"],
    ["cursor=eyJhZnRlciI6MX0", "query.cursor"],
  ] as const) {
    const refused = await stack.call("GET", `/v1/alerts?${query}`, { token: alice });
    expect(refused.status, query).toBe(400);
    expect(refused.body.errors.map((e: { field: string }) => e.field)).toContain(field);
  }
  expect((await stack.call("GET", "/v1/alerts", { token: await stack.token("bob") })).status).toBe(403);
  const other = await stack.call("GET", "/v1/alerts", { token: await stack.token("mallory") });
  expect(other.status).toBe(200);
  expect(other.body.alerts).toEqual([]);
});

it("pages the alerts newest first", async () => {
  const alice = await stack.token("alice");
  const post = (points: number) =>
    stack.call("POST", `/v1/customers/${DEMO.customers.camille.id}/points`, {
      token: alice,
      body: { points, reason: "goodwill" },
      headers: { "idempotency-key": randomUUID() },
    });
  await stack.call("PATCH", "/v1/settings", { token: alice, body: { alertRules: { manualPointsAbove: 1 } } });
  // The rules are cached by the consumer for up to a minute; the earlier rule (above 100) also fires on these.
  for (const points of [301, 302]) expect((await post(points)).status).toBe(201);
  await eventually(
    async () => {
      const page = await stack.call("GET", "/v1/alerts?limit=100", { token: alice });
      return page.body.alerts.length >= 3 ? true : undefined;
    },
    20_000,
    "three alerts",
  );
  const first = await stack.call("GET", "/v1/alerts?limit=2", { token: alice });
  expect(first.body.alerts.map((a: { observed: number }) => a.observed)).toEqual([302, 301]);
  expect(first.body.nextCursor).toEqual(expect.any(String));
  const second = await stack.call("GET", `/v1/alerts?limit=2&cursor=${first.body.nextCursor}`, {
    token: alice,
  });
  expect(second.body.alerts.map((a: { observed: number }) => a.observed)).toEqual([250]);
  expect(second.body.nextCursor).toBeNull();
  // One e-mail per alert, each sent by the one consumer whose create won.
  const sink = stack.notifications?.mail;
  await eventually(
    async () =>
      sink && sink.mails.filter((m) => m.tags.kind === "fraud-alert").length >= 3 ? true : undefined,
    10_000,
    "three e-mails",
  );
  expect(sink?.mails.filter((m) => m.tags.kind === "fraud-alert")).toHaveLength(3);
});

it("hold mode: manual points over the limit wait for a second person, who approves or rejects", async () => {
  const alice = await stack.token("alice");
  const camille = DEMO.customers.camille.id;
  const call = (
    method: string,
    path: string,
    token: string,
    body?: unknown,
    key: string | null = randomUUID(),
  ) =>
    stack.call(method, path, {
      token,
      ...(body === undefined ? {} : { body }),
      headers: key ? { "idempotency-key": key } : {},
    });
  const balance = async () =>
    (await stack.call("GET", `/v1/customers/${camille}`, { token: alice })).body.customer.balance;
  expect(
    (
      await stack.call("PATCH", "/v1/settings", {
        token: alice,
        body: { alertRules: { holdManualPointsAbove: 500 } },
      })
    ).status,
  ).toBe(200);
  const manager = await call("POST", "/v1/staff", alice, {
    name: "Mia Manager",
    role: "manager",
    locationIds: "*",
  });
  expect(manager.status).toBe(201);
  const mia = await stack.tokenFor(manager.body.staff.id);
  const before = await balance();

  const key = randomUUID();
  const held = await call(
    "POST",
    `/v1/customers/${camille}/points`,
    mia,
    { points: 600, reason: "goodwill" },
    key,
  );
  expect(held.status).toBe(202);
  expect(held.body.hold).toMatchObject({
    customerId: camille,
    status: "pending",
    points: 600,
    requestedBy: manager.body.staff.id,
    decision: null,
  });
  const again = await call(
    "POST",
    `/v1/customers/${camille}/points`,
    mia,
    { points: 600, reason: "goodwill" },
    key,
  );
  expect(again.status).toBe(202);
  expect(again.headers.get("idempotent-replayed")).toBe("true");
  expect(again.body.hold.id).toBe(held.body.hold.id);
  expect(await balance()).toBe(before);
  // At the limit: written at once.
  expect(
    (await call("POST", `/v1/customers/${camille}/points`, mia, { points: 500, reason: "goodwill" })).status,
  ).toBe(201);
  expect(await balance()).toBe(before + 500);

  const holdId: string = held.body.hold.id;
  const approve = (token: string, k: string | null = randomUUID()) =>
    call("POST", `/v1/holds/${holdId}/approve`, token, undefined, k);
  expect((await approve(mia)).status).toBe(403);
  expect((await approve(await stack.token("bob"))).status).toBe(403);
  expect((await approve(await stack.token("mallory"))).status).toBe(404);
  const noKey = await approve(alice, null);
  expect(noKey.status).toBe(400);
  expect(noKey.body.errors[0].field).toBe("header.Idempotency-Key");
  expect(await balance()).toBe(before + 500);

  const approveKey = randomUUID();
  const approved = await approve(alice, approveKey);
  expect(approved.status).toBe(201);
  expect(approved.body.hold).toMatchObject({
    status: "approved",
    decision: { staffId: DEMO.staff.alice.id },
  });
  expect(approved.body.transaction).toMatchObject({
    type: "manual",
    points: 600,
    staffId: manager.body.staff.id,
    refs: { holdId },
  });
  expect(await balance()).toBe(before + 1100);
  const replayed = await approve(alice, approveKey);
  expect(replayed.status).toBe(201);
  expect(replayed.body.transaction.id).toBe(approved.body.transaction.id);
  expect((await approve(alice)).status).toBe(409);
  expect(await balance()).toBe(before + 1100);

  const deduction = await call("POST", `/v1/customers/${camille}/points`, mia, {
    points: -700,
    reason: "correction",
  });
  expect(deduction.status).toBe(202);
  const tooLong = await call("POST", `/v1/holds/${deduction.body.hold.id}/reject`, alice, {
    reason: "x".repeat(501),
  });
  expect(tooLong.status).toBe(400);
  expect(tooLong.body.errors[0].field).toBe("reason");
  const rejected = await call("POST", `/v1/holds/${deduction.body.hold.id}/reject`, alice, {
    reason: "not agreed",
  });
  expect(rejected.status).toBe(200);
  expect(rejected.body.hold).toMatchObject({ status: "rejected", decision: { reason: "not agreed" } });
  expect((await call("POST", `/v1/holds/${deduction.body.hold.id}/approve`, alice)).status).toBe(409);
  expect(await balance()).toBe(before + 1100);
});

it("keeps a location's opening hours, refuses unreadable ones, and leaves locations without hours as they were", async () => {
  const alice = await stack.token("alice");
  const hours = {
    timeZone: "Europe/Paris",
    weekly: {
      mon: [
        ["09:00", "12:00"],
        ["14:00", "19:00"],
      ],
      sat: [["10:00", "24:00"]],
    },
  };
  const created = await stack.call("POST", "/v1/locations", {
    token: alice,
    body: { name: "Nantes 01", programId: DEMO.locations["paris-01"].programId, openingHours: hours },
    headers: { "idempotency-key": randomUUID() },
  });
  expect(created.status).toBe(201);
  expect(created.body.location.openingHours).toEqual(hours);
  const id: string = created.body.location.id;
  const listed = await stack.call("GET", "/v1/locations", { token: alice });
  const byId = new Map(listed.body.locations.map((l: { id: string }) => [l.id, l]));
  expect(byId.get(id)).toMatchObject({ openingHours: hours });
  expect(byId.get("paris-01")).not.toHaveProperty("openingHours");

  for (const [openingHours, field] of [
    [{ timeZone: "Mars/Olympus", weekly: {} }, "openingHours.timeZone"],
    [{ timeZone: "Europe/Paris", weekly: { mon: [["12:00", "09:00"]] } }, "openingHours.weekly.mon.0"],
    [{ timeZone: "Europe/Paris", weekly: { funday: [] } }, "openingHours.weekly"],
  ] as const) {
    const refused = await stack.call("PATCH", `/v1/locations/${id}`, {
      token: alice,
      body: { openingHours },
    });
    expect(refused.status, JSON.stringify(openingHours)).toBe(400);
    expect(refused.body.errors.map((e: { field: string }) => e.field).join(" ")).toContain(field);
  }
  const changed = await stack.call("PATCH", `/v1/locations/${id}`, {
    token: alice,
    body: { openingHours: { timeZone: "America/New_York", weekly: {} } },
  });
  expect(changed.status).toBe(200);
  expect(changed.body.location.openingHours).toEqual({ timeZone: "America/New_York", weekly: {} });
});
