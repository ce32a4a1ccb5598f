import { randomUUID } from "node:crypto";
import type { DynamoDBRecord } from "aws-lambda";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createWebhooksHandler } from "../../functions/webhooks-stream.ts";
import { lambdaContext } from "../../infra/local/api-gateway-event.ts";
import { createTable } from "../../infra/local/create-table.ts";
import { DEMO, seedDemo } from "../../infra/local/seed.ts";
import { type StreamPoller, startStreamPoller } from "../../infra/local/stream-poller.ts";
import { alertNotifier } from "../../shared/alerts/owner-notice.ts";
import type { AlertRules } from "../../shared/alerts/rules.ts";
import { type AlertStreamDeps, forgetCachedRules } from "../../shared/alerts/stream.ts";
import { PERMISSIONS } from "../../shared/auth/permissions.ts";
import type { Principal } from "../../shared/auth/principal.ts";
import { updateLocation } from "../../shared/merchants/locations.ts";
import { updateSettings } from "../../shared/merchants/settings.ts";
import type { Mailer, OutgoingEmail } from "../../shared/notifications/mailer.ts";
import { listAlerts } from "../../shared/store/alerts.ts";
import { createDb, type Db } from "../../shared/store/db/client.ts";
import { listDeliveries, listEndpoints } from "../../shared/store/webhooks.ts";
import { earnPoints } from "../../shared/transactions/earn.ts";
import { adjustPoints } from "../../shared/transactions/manual.ts";
import type { DeliveryDeps } from "../../shared/webhooks/deliver.ts";
import { createEndpoint } from "../../shared/webhooks/endpoints.ts";
import { WEBHOOKS_FILTER_PATTERNS } from "../../shared/webhooks/events.ts";
import { recordCommands } from "../support/read-rounds.ts";
import { eventually } from "../support/wallet.ts";

/**
 * The alerts step of the webhooks stream consumer, fed the table's real stream records (DynamoDB Local's
 * stream, read by the local poller and captured), with an injected clock and a recording mailer: each
 * rule fires once per window, replays of the same records count nothing twice and send no second e-mail,
 * a failing alerts step fails the record without losing the webhooks step, and the earn itself makes no
 * extra call when rules are on.
 */

let db: Db;
let poller: StreamPoller;
const captured: DynamoDBRecord[] = [];
const sent: OutgoingEmail[] = [];
let now = new Date("2026-03-10T12:00:00.000Z");
const mailer: Mailer = {
  send: async (email) => {
    sent.push(email);
    return { messageId: randomUUID() };
  },
};

const principal = (staffId: string): Principal => ({
  merchantId: DEMO.merchantId,
  staffId,
  role: "owner",
  locationIds: "*",
  permissions: new Set(PERMISSIONS),
});
const alice = principal(DEMO.staff.alice.id);
const bob = principal(DEMO.staff.bob.id);

const deliveries: DeliveryDeps = {
  get db() {
    return db;
  },
  clock: () => now,
  random: () => 0,
  send: async () => ({ status: 200 }),
};
const alertDeps = (): AlertStreamDeps => ({ db, clock: () => now, notify: alertNotifier(db, mailer) });
const handler = createWebhooksHandler(() => deliveries, alertDeps);
const invoke = (records: DynamoDBRecord[]) =>
  handler({ Records: records }, lambdaContext("webhooks-stream", randomUUID(), 512, 60_000));

const earnAt = (iso: string, by = alice, customerId = DEMO.customers.camille.id) => {
  now = new Date(iso);
  return earnPoints(
    { db, clock: () => now },
    by,
    { customerId, locationId: "paris-01", type: "purchase", amount: "10.00", currency: "EUR" },
    randomUUID(),
  );
};
const manualAt = (iso: string, points: number) => {
  now = new Date(iso);
  return adjustPoints(
    { db, clock: () => now },
    bob,
    DEMO.customers.camille.id,
    { points, reason: "goodwill" } as Parameters<typeof adjustPoints>[3],
    randomUUID(),
  );
};

/**
 * The captured records of the entries written on the day `since` (each test writes on days of its own; the
 * seed's are older), once all `count` are there; the poller may still be catching up on the seed's records
 * when a test starts, so position in `captured` says nothing.
 */
async function newRecords(since: string, count: number): Promise<DynamoDBRecord[]> {
  const entries = () => {
    const seen = new Set<string>();
    return captured.filter((r) => {
      const sequence = r.dynamodb?.SequenceNumber ?? "";
      const fresh =
        r.eventName === "INSERT" &&
        r.dynamodb?.Keys?.sk?.S?.startsWith("ENTRY#") &&
        (r.dynamodb?.NewImage?.createdAt?.S ?? "").startsWith(since) &&
        !seen.has(sequence);
      seen.add(sequence);
      return fresh;
    });
  };
  await eventually(async () => (entries().length >= count ? true : undefined), 20_000, "stream records");
  expect(entries()).toHaveLength(count);
  return entries();
}

async function setRules(alertRules: AlertRules) {
  await updateSettings(db, alice, { alertRules });
  forgetCachedRules();
}

beforeAll(async () => {
  const endpoint = inject("dynamoEndpoint");
  const table = `alerts-${randomUUID()}`;
  await createTable(endpoint, table, { streams: true });
  db = createDb({ table, endpoint });
  // Seeded before the entries' days, so the programs are in force then.
  await seedDemo({ db, clock: () => new Date("2026-03-01T00:00:00.000Z") });
  await createEndpoint(
    {
      db,
      clock: () => now,
      policy: { allowLoopback: false },
      resolve: async () => [{ address: "93.184.215.14", family: 4 }],
    },
    alice,
    { url: "https://hooks.example.com/entries", eventTypes: ["entry.created"] },
    randomUUID(),
  );
  poller = await startStreamPoller({
    endpoint,
    tableName: table,
    functionName: "webhooks-stream",
    filterPatterns: WEBHOOKS_FILTER_PATTERNS,
    intervalMs: 50,
    handler: async (event) => {
      captured.push(...event.Records);
      return { batchItemFailures: [] };
    },
  });
});
afterAll(async () => {
  await poller?.stop();
  db?.client.destroy();
});

describe("fraud rules on the stream", () => {
  it("customerEarnsPerDay fires once per UTC day, replays count nothing twice and mail once", async () => {
    await setRules({ customerEarnsPerDay: 2 });
    await earnAt("2026-03-10T09:00:00.000Z");
    await earnAt("2026-03-10T10:00:00.000Z");
    await earnAt("2026-03-10T11:00:00.000Z");
    await earnAt("2026-03-10T23:59:59.000Z");
    const records = await newRecords("2026-03-10", 4);

    now = new Date("2026-03-10T12:05:00.000Z");
    // The first two records twice: at the threshold, not over it, however often they are seen.
    expect((await invoke(records.slice(0, 2))).batchItemFailures).toEqual([]);
    expect((await invoke(records.slice(0, 2))).batchItemFailures).toEqual([]);
    expect((await listAlerts(db, DEMO.merchantId, 10)).alerts).toEqual([]);
    expect((await invoke(records)).batchItemFailures).toEqual([]);
    // The same records again, as Lambda redelivers after a partial failure, and each one twice at once.
    expect((await invoke([...records, ...records])).batchItemFailures).toEqual([]);

    const { alerts } = await listAlerts(db, DEMO.merchantId, 10, { rule: "customerEarnsPerDay" });
    expect(alerts).toHaveLength(1);
    const ids = records.map((r) => r.dynamodb?.NewImage?.id?.S);
    expect(alerts[0]).toMatchObject({
      rule: "customerEarnsPerDay",
      subject: { customerId: DEMO.customers.camille.id },
      window: { start: "2026-03-10T00:00:00.000Z", end: "2026-03-11T00:00:00.000Z" },
      threshold: 2,
      observed: 3,
      createdAt: "2026-03-10T12:05:00.000Z",
    });
    // A batch's records are evaluated concurrently: the first two were counted before, the third place is
    // whichever of the others got there first.
    const counted = alerts[0]?.entries.map((e) => e.id) ?? [];
    expect(counted.slice(0, 2)).toEqual(ids.slice(0, 2));
    expect(ids.slice(2)).toContain(counted[2]);
    expect(alerts[0]?.entries[0]).toMatchObject({
      type: "purchase",
      customerId: DEMO.customers.camille.id,
      staffId: DEMO.staff.alice.id,
      locationId: "paris-01",
      createdAt: "2026-03-10T09:00:00.000Z",
    });
    expect(alerts[0]?.entries[0]?.points).toBeGreaterThan(0);

    const mails = sent.filter((m) => m.tags.rule === "customerEarnsPerDay");
    expect(mails).toHaveLength(1);
    expect(mails[0]?.to).toBe(DEMO.staff.alice.email);
    expect(mails[0]?.subject).toBe("Fraud alert");
    // Ids only: not the member's name, phone or e-mail. The demo merchant writes French.
    expect(mails[0]?.text).toContain(DEMO.customers.camille.id);
    for (const personal of [
      DEMO.customers.camille.name,
      DEMO.customers.camille.phone,
      DEMO.customers.camille.email,
    ])
      expect(mails[0]?.text).not.toContain(personal);

    // The next day is a new window: three more earns make a second alert.
    for (const hour of ["08", "09", "10"]) await earnAt(`2026-03-11T${hour}:00:00.000Z`);
    await invoke(await newRecords("2026-03-11", 3));
    const after = await listAlerts(db, DEMO.merchantId, 10, { rule: "customerEarnsPerDay" });
    expect(after.alerts.map((a) => a.window.start)).toEqual([
      "2026-03-11T00:00:00.000Z",
      "2026-03-10T00:00:00.000Z",
    ]);
    expect(sent.filter((m) => m.tags.rule === "customerEarnsPerDay")).toHaveLength(2);
  });

  it("staffEntriesPerHour and manualPointsAbove fire once per hour and per entry", async () => {
    await setRules({ staffEntriesPerHour: 1, manualPointsAbove: 100 });
    await manualAt("2026-03-12T10:10:00.000Z", 150);
    await manualAt("2026-03-12T10:20:00.000Z", -101);
    await manualAt("2026-03-12T10:30:00.000Z", 50);
    await manualAt("2026-03-12T11:10:00.000Z", 5);
    const records = await newRecords("2026-03-12", 4);
    await invoke(records);
    await invoke(records.slice(1, 2));

    const hourly = (await listAlerts(db, DEMO.merchantId, 10, { rule: "staffEntriesPerHour" })).alerts;
    expect(hourly.map((a) => [a.subject, a.window.start, a.observed])).toEqual([
      [{ staffId: DEMO.staff.bob.id }, "2026-03-12T10:00:00.000Z", 2],
    ]);
    const manual = (await listAlerts(db, DEMO.merchantId, 10, { rule: "manualPointsAbove" })).alerts;
    expect(manual.map((a) => [a.observed, a.entries[0]?.points])).toEqual([
      [101, -101],
      [150, 150],
    ]);
    expect(sent.filter((m) => m.tags.rule === "manualPointsAbove")).toHaveLength(2);
    expect(sent.filter((m) => m.tags.rule === "staffEntriesPerHour")).toHaveLength(1);
  });

  it("earnsOutsideHoursPerDay counts earns outside the location's hours, on its own clock, once per day", async () => {
    // Paris 01 opens on Mondays only, 09:00–12:00 Paris time (UTC+1 in March).
    await updateLocation({ db, clock: () => now }, alice, "paris-01", {
      openingHours: { timeZone: "Europe/Paris", weekly: { mon: [["09:00", "12:00"]] } },
    });
    await setRules({ earnsOutsideHoursPerDay: 1 });
    // Monday 16 March: 08:30 UTC is 09:30 in Paris (open); 07:30 and 11:30 UTC are outside; so is 13:00.
    for (const at of ["08:30", "07:30", "11:30", "13:00"]) await earnAt(`2026-03-16T${at}:00.000Z`, bob);
    const records = await newRecords("2026-03-16", 4);
    await invoke(records);
    await invoke(records);
    const alerts = (await listAlerts(db, DEMO.merchantId, 10, { rule: "earnsOutsideHoursPerDay" })).alerts;
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({
      subject: { locationId: "paris-01" },
      window: { start: "2026-03-16T00:00:00.000Z" },
      threshold: 1,
      observed: 2,
    });
    // Outside hours only, oldest first; which two of the three depends on the batch's concurrency.
    const times = alerts[0]?.entries.map((e) => e.createdAt) ?? [];
    expect([...times].sort()).toEqual(times);
    for (const time of times)
      expect(["2026-03-16T07:30:00.000Z", "2026-03-16T11:30:00.000Z", "2026-03-16T13:00:00.000Z"]).toContain(
        time,
      );
    expect(sent.filter((m) => m.tags.rule === "earnsOutsideHoursPerDay")).toHaveLength(1);
    await updateLocation({ db, clock: () => now }, alice, "paris-01", {
      openingHours: { timeZone: "Europe/Paris", weekly: {} },
    });
  });

  it("a failing alerts step fails its record, the webhooks step still runs, and the retry converges", async () => {
    await setRules({ manualPointsAbove: 10 });
    await manualAt("2026-03-13T10:00:00.000Z", 20);
    const [record] = await newRecords("2026-03-13", 1);
    if (!record) throw new Error("no record");
    const broken = createWebhooksHandler(
      () => deliveries,
      () => ({
        ...alertDeps(),
        db: { ...db, client: { send: async () => Promise.reject(new Error("table down")) } } as unknown as Db,
      }),
    );
    forgetCachedRules();
    const failed = await broken(
      { Records: [record] },
      lambdaContext("webhooks-stream", randomUUID(), 512, 60_000),
    );
    expect(failed.batchItemFailures).toEqual([{ itemIdentifier: record.dynamodb?.SequenceNumber }]);
    // The webhooks step ran all the same: the entry's delivery is written (and was sent).
    const [hook] = await listEndpoints(db, DEMO.merchantId);
    const delivery = (await listDeliveries(db, DEMO.merchantId, hook?.id ?? "", 50)).deliveries.find(
      (d) => d.occurredAt === "2026-03-13T10:00:00.000Z",
    );
    expect(delivery).toMatchObject({ status: "delivered", attempts: 1 });
    expect((await listAlerts(db, DEMO.merchantId, 10, { rule: "manualPointsAbove" })).alerts).toHaveLength(2);

    expect((await invoke([record])).batchItemFailures).toEqual([]);
    expect((await listAlerts(db, DEMO.merchantId, 10, { rule: "manualPointsAbove" })).alerts).toHaveLength(3);
  });

  it("rules on or off, the earn makes the same DynamoDB calls", async () => {
    const recorder = recordCommands(db);
    await setRules({});
    // Warm the container's directory cache, so both earns below read the same things.
    await earnAt("2026-03-14T09:00:00.000Z");
    const off = await recorder.during(() => earnAt("2026-03-14T10:00:00.000Z"));
    await setRules({ customerEarnsPerDay: 1, staffEntriesPerHour: 1, manualPointsAbove: 1 });
    const on = await recorder.during(() => earnAt("2026-03-14T10:05:00.000Z"));
    expect(on.map((c) => c.command)).toEqual(off.map((c) => c.command));
    expect(on.length).toBeGreaterThan(0);
  });
});
