import { randomUUID } from "node:crypto";
import { BatchWriteCommand, QueryCommand, TransactWriteCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import { beforeEach, describe, expect, it } from "vitest";
import { enrolCustomer } from "../../shared/customers/enrol.ts";
import type { ExpiryPolicy } from "../../shared/expiry/policy.ts";
import { runExpiry } from "../../shared/expiry/run.ts";
import { upcomingExpiries } from "../../shared/expiry/upcoming.ts";
import { MAX_EXPIRED_PER_WRITE, MAX_RELEASED_PER_DEBIT } from "../../shared/ledger/lots.ts";
import { verifyLedger } from "../../shared/ledger/read.ts";
import { createLocation, createProgram } from "../../shared/merchants/setup.ts";
import { readCustomer } from "../../shared/store/customers/profile.ts";
import type { Db } from "../../shared/store/db/client.ts";
import { customerPk } from "../../shared/store/db/partitions.ts";
import { listRetries } from "../../shared/store/expiry-job.ts";
import { dueShard } from "../../shared/store/ledger/due-index.ts";
import { readWholeLedger } from "../../shared/store/ledger/entries.ts";
import { dueKeys, LOT_PREFIX } from "../../shared/store/ledger/lots.ts";
import { NOTIFICATION_PREFIX } from "../../shared/store/notifications/outbox.ts";
import { earnPoints } from "../../shared/transactions/earn.ts";
import { adjustPoints } from "../../shared/transactions/manual.ts";
import { expectLedgerInvariants } from "../support/ledger-invariants.ts";
import { merchantWithLocations, ownerOf } from "../support/ledger-merchant.ts";
import { testDb } from "../support/test-stack.ts";

let db: Db;
let now = new Date("2026-01-01T10:00:00.000Z");
const clock = () => now;
const deps = () => ({ db, clock });
const setNow = (iso: string) => {
  now = new Date(iso);
};

const owner = ownerOf;
const VISIT = { kind: "visit", pointsPerVisit: 10, minMinutesBetweenVisits: 0 } as const;

/** A merchant of its own per test, with one visit location per policy. */
async function merchantWith(policies: Record<string, ExpiryPolicy>, defaultExpiry?: ExpiryPolicy) {
  const locations = Object.fromEntries(
    Object.entries(policies).map(([id, expiry]) => [id, { rule: VISIT, expiry }]),
  );
  return (await merchantWithLocations(db, now, locations, defaultExpiry)).merchantId;
}

async function newCustomer(merchantId: string) {
  // No Welcome Moment: these tests count the outbox items reminders write.
  return (await enrolCustomer(deps(), merchantId, { name: "C", welcome: false })).result.customer.id;
}

const visit = (merchantId: string, customerId: string, locationId: string) =>
  earnPoints(deps(), owner(merchantId), { customerId, locationId, type: "visit" }, randomUUID());
const manual = (merchantId: string, customerId: string, points: number) =>
  adjustPoints(deps(), owner(merchantId), customerId, { points, reason: "correction" }, randomUUID());
/** The same table, through a client whose every TransactWriteItems after the first one is refused. */
function failingAfterFirstTransaction(real: Db): Db {
  let transactions = 0;
  const send = ((command: unknown, ...rest: unknown[]) => {
    if (command instanceof TransactWriteCommand && ++transactions > 1) {
      return Promise.reject(Object.assign(new Error("refused"), { name: "InternalServerError" }));
    }
    return (real.client.send as (...a: unknown[]) => unknown)(command, ...rest);
  }) as typeof real.client.send;
  return { table: real.table, client: Object.assign(Object.create(real.client), { send }) };
}
const lotCount = async (merchantId: string, customerId: string) => {
  const { Items = [] } = await db.client.send(
    new QueryCommand({
      TableName: db.table,
      KeyConditionExpression: "pk = :pk AND begins_with(sk, :p)",
      ExpressionAttributeValues: { ":pk": customerPk(merchantId, customerId), ":p": LOT_PREFIX },
    }),
  );
  return Items.length;
};
const balance = async (merchantId: string, customerId: string) =>
  (await readCustomer(db, merchantId, customerId))?.balance;
const run = (
  iso: string,
  extra: Parameters<typeof runExpiry>[1] extends infer O ? Partial<O> : never = {},
) => {
  setNow(iso);
  return runExpiry(deps(), { now, ...extra });
};

// Each test gets its own table: the job's checkpoint is global, and time in these tests jumps around.
beforeEach(async () => {
  db = await testDb();
});

describe("rolling expiry", () => {
  it("expires the soonest-expiring lots first, after spending and refunds, exactly once", async () => {
    const m = await merchantWith({ shop: { kind: "rolling", days: 30 } }, { kind: "rolling", days: 365 });
    const c = await newCustomer(m);
    setNow("2026-01-01T10:00:00.000Z");
    await visit(m, c, "shop"); // 10, due Jan 31
    await visit(m, c, "shop"); // 10, due Jan 31
    setNow("2026-01-10T10:00:00.000Z");
    await visit(m, c, "shop"); // 10, due Feb 9
    setNow("2026-01-15T10:00:00.000Z");
    await manual(m, c, -15); // spends 15 of the 20 due Jan 31
    setNow("2026-01-20T10:00:00.000Z");
    await manual(m, c, 8); // given back by hand: the merchant's default policy, 365 days
    expect(await balance(m, c)).toBe(23);

    const first = await run("2026-02-01T00:00:00.000Z");
    expect(first).toMatchObject({ complete: true, customersExpired: 1, lotsExpired: 1, pointsExpired: 5 });
    expect(await balance(m, c)).toBe(18);
    const again = await run("2026-02-01T00:00:00.000Z");
    expect(again).toMatchObject({ customersExpired: 0, pointsExpired: 0 });
    const later = await run("2026-02-09T12:00:00.000Z");
    expect(later).toMatchObject({ customersExpired: 1, pointsExpired: 10 });
    expect(await balance(m, c)).toBe(8);
    expect(await verifyLedger(db, m, c)).toMatchObject({ valid: true, entries: 7 });
  });

  it("a lot spent in full that a debit could not delete leaves on its day, without an entry", async () => {
    const m = await merchantWith({ shop: { kind: "rolling", days: 30 } }, { kind: "none" });
    const c = await newCustomer(m);
    // More lots than one debit deletes, each a day apart, then a debit of all of them.
    const lots = MAX_RELEASED_PER_DEBIT + 5;
    for (let day = 0; day < lots; day++) {
      setNow(new Date(Date.parse("2026-03-01T10:00:00.000Z") + day * 86_400_000).toISOString());
      await visit(m, c, "shop");
    }
    await manual(m, c, 7); // never expires
    // The debit commits, then every release write chained after it fails: the lots it could not delete stay.
    await adjustPoints(
      { db: failingAfterFirstTransaction(db), clock },
      owner(m),
      c,
      { points: -10 * lots, reason: "correction" },
      randomUUID(),
    );
    expect(await balance(m, c)).toBe(7);
    expect((await readCustomer(db, m, c))?.spent).toBe(10 * (lots - MAX_RELEASED_PER_DEBIT));
    const entries = (await verifyLedger(db, m, c)).entries;
    const result = await run("2026-05-01T10:00:00.000Z", { lookbackDays: 60 });
    expect(result).toMatchObject({ complete: true, customersExpired: 0, pointsExpired: 0, lotsExpired: 0 });
    expect(await lotCount(m, c)).toBe(1); // only the lot that never expires
    expect(await balance(m, c)).toBe(7);
    expect(await verifyLedger(db, m, c)).toMatchObject({ valid: true, entries });
    expect((await readCustomer(db, m, c))?.spent).toBe(0);
    await expectLedgerInvariants(db, m, c, { expiredAt: now });
  });

  it("expires a customer with more due lots than one write holds in chained entries, in one run", async () => {
    const m = await merchantWith({ shop: { kind: "rolling", days: 30 } }, { kind: "none" });
    const c = await newCustomer(m);
    const lots = MAX_EXPIRED_PER_WRITE + 20;
    for (let day = 0; day < lots; day++) {
      setNow(new Date(Date.parse("2026-03-01T10:00:00.000Z") + day * 86_400_000).toISOString());
      await visit(m, c, "shop");
    }
    await manual(m, c, -15); // charged to the first lot, then half of the second
    const result = await run("2026-08-01T10:00:00.000Z", { lookbackDays: 160 });
    expect(result).toMatchObject({ complete: true, customersExpired: 1, pointsExpired: 10 * lots - 15 });
    expect(await balance(m, c)).toBe(0);
    const expiries = (await readWholeLedger(db, m, c)).filter((e) => e.type === "expiry");
    // The first lot left with the debit; the next write is charged the 5 points still spent.
    expect(expiries.map((e) => e.points)).toEqual([
      -(10 * MAX_EXPIRED_PER_WRITE - 5),
      -10 * (lots - 1 - MAX_EXPIRED_PER_WRITE),
    ]);
    await expectLedgerInvariants(db, m, c, { expiredAt: now });
  });

  it("sends each reminder step once per lot, as an outbox notification", async () => {
    const m = await merchantWith({ shop: { kind: "rolling", days: 30 } });
    const c = await newCustomer(m);
    setNow("2026-03-01T10:00:00.000Z");
    await visit(m, c, "shop"); // due Mar 31 10:00
    expect((await run("2026-03-10T10:00:00.000Z")).remindersSent).toBe(0);
    expect((await run("2026-03-18T10:00:00.000Z")).remindersSent).toBe(1); // 13 days left: the 14-day step
    expect((await run("2026-03-19T10:00:00.000Z")).remindersSent).toBe(0);
    expect((await run("2026-03-29T10:00:00.000Z")).remindersSent).toBe(1); // 2 days left: the 3-day step
    expect((await run("2026-03-30T10:00:00.000Z")).remindersSent).toBe(0);
    const { Items = [] } = await db.client.send(
      new QueryCommand({
        TableName: db.table,
        KeyConditionExpression: "pk = :pk AND begins_with(sk, :p)",
        ExpressionAttributeValues: { ":pk": customerPk(m, c), ":p": NOTIFICATION_PREFIX },
      }),
    );
    expect(
      Items.map((i) => [i.moment, i.data.points, i.data.daysBefore, i.data.expiresAt, i.status]),
    ).toEqual([
      ["points_expiring", 10, 14, "2026-03-31T10:00:00.000Z", "pending"],
      ["points_expiring", 10, 3, "2026-03-31T10:00:00.000Z", "pending"],
    ]);
  });
});

describe("reminders grouped by day", () => {
  it("sends one reminder for all of a customer's points expiring on one day, however many earns made them", async () => {
    const m = await merchantWith({ shop: { kind: "rolling", days: 30 } });
    const c = await newCustomer(m);
    for (const hour of ["08", "11", "14", "17", "20"]) {
      setNow(`2026-04-01T${hour}:00:00.000Z`);
      await visit(m, c, "shop");
    }
    expect((await run("2026-04-20T10:00:00.000Z")).remindersSent).toBe(1);
    const { Items = [] } = await db.client.send(
      new QueryCommand({
        TableName: db.table,
        KeyConditionExpression: "pk = :pk AND begins_with(sk, :p)",
        ExpressionAttributeValues: { ":pk": customerPk(m, c), ":p": NOTIFICATION_PREFIX },
      }),
    );
    // One message of 50 points, expiring at the latest of the five expiry times.
    expect(Items.map((i) => [i.data.points, i.data.expiresAt])).toEqual([[50, "2026-05-01T20:00:00.000Z"]]);
  });
});

describe("reminders of what is left", () => {
  it("names what is left of a lot once spending is charged to it, and nothing for a lot spent in full", async () => {
    const m = await merchantWith({ shop: { kind: "rolling", days: 30 } });
    const c = await newCustomer(m);
    const lots = MAX_RELEASED_PER_DEBIT + 2;
    for (let day = 0; day < lots; day++) {
      setNow(new Date(Date.parse("2026-04-01T10:00:00.000Z") + day * 86_400_000).toISOString());
      await visit(m, c, "shop");
    }
    // The first 20 lots leave with the debit; the 21st stays, spent in full; 5 of the 22nd are spent.
    await manual(m, c, -(10 * (lots - 1) + 5));
    expect((await run("2026-05-10T10:00:00.000Z", { lookbackDays: 1 })).remindersSent).toBe(1);
    const { Items = [] } = await db.client.send(
      new QueryCommand({
        TableName: db.table,
        KeyConditionExpression: "pk = :pk AND begins_with(sk, :p)",
        ExpressionAttributeValues: { ":pk": customerPk(m, c), ":p": NOTIFICATION_PREFIX },
      }),
    );
    expect(Items.map((i) => [i.data.points, i.data.expiresAt])).toEqual([[5, "2026-05-22T10:00:00.000Z"]]);
  });
});

describe("what expires when", () => {
  it("lists what is left of each lot, spending charged to the soonest, and the points under an inactivity deadline", async () => {
    const m = await merchantWith({
      shop: { kind: "rolling", days: 30 },
      club: { kind: "inactivity", days: 60 },
    });
    const c = await newCustomer(m);
    setNow("2026-04-01T10:00:00.000Z");
    await visit(m, c, "shop");
    await visit(m, c, "shop"); // 20, due May 1
    await visit(m, c, "club"); // 10 under the inactivity deadline, May 31
    setNow("2026-04-02T10:00:00.000Z");
    await visit(m, c, "shop"); // 10, due May 2
    await manual(m, c, -25); // the May 1 lot, then 5 of May 2's
    expect(await upcomingExpiries(db, m, c, now)).toEqual([
      { expiresAt: "2026-05-02T10:00:00.000Z", points: 5, kind: "batch" },
      { expiresAt: "2026-05-31T10:00:00.000Z", points: 10, kind: "inactivity" },
    ]);
    await manual(m, c, -10); // the rest of May 2's, then 5 of the inactivity lot's
    expect(await upcomingExpiries(db, m, c, now)).toEqual([
      { expiresAt: "2026-05-31T10:00:00.000Z", points: 5, kind: "inactivity" },
    ]);
  });
});

describe("other policies", () => {
  it("inactivity: the whole balance expires after N days without earning; earning moves the deadline", async () => {
    const m = await merchantWith({ shop: { kind: "inactivity", days: 60 } });
    const c = await newCustomer(m);
    setNow("2026-01-01T10:00:00.000Z");
    await visit(m, c, "shop");
    setNow("2026-02-01T10:00:00.000Z");
    await visit(m, c, "shop"); // deadline moves to Apr 2
    expect((await run("2026-03-05T10:00:00.000Z")).pointsExpired).toBe(0);
    expect(await balance(m, c)).toBe(20);
    expect(await run("2026-04-03T10:00:00.000Z")).toMatchObject({ customersExpired: 1, pointsExpired: 20 });
    expect(await balance(m, c)).toBe(0);
    expect(await verifyLedger(db, m, c)).toMatchObject({ valid: true });
  });

  it("inactivity takes only the points earned under it: a location whose points never expire keeps its own", async () => {
    const m = await merchantWith({ shop: { kind: "inactivity", days: 60 }, kiosk: { kind: "none" } });
    const c = await newCustomer(m);
    setNow("2026-01-01T10:00:00.000Z");
    await visit(m, c, "shop");
    await visit(m, c, "kiosk");
    expect(await run("2026-03-05T10:00:00.000Z")).toMatchObject({ customersExpired: 1, pointsExpired: 10 });
    expect(await balance(m, c)).toBe(10);
    expect(await verifyLedger(db, m, c)).toMatchObject({ valid: true, entries: 3 });
  });

  it("fixed: points expire at the end of the set date", async () => {
    const m = await merchantWith({ shop: { kind: "fixed", month: 12, day: 31 } });
    const c = await newCustomer(m);
    setNow("2026-06-01T10:00:00.000Z");
    const earned = await visit(m, c, "shop");
    expect(earned.result.transaction).toMatchObject({ points: 10 });
    expect((await run("2026-12-31T23:00:00.000Z")).pointsExpired).toBe(0);
    expect((await run("2027-01-01T00:30:00.000Z")).pointsExpired).toBe(10);
  });

  it("a policy change applies only to points earned after it", async () => {
    const m = await merchantWith({ shop: { kind: "rolling", days: 30 } });
    const c = await newCustomer(m);
    setNow("2026-05-01T10:00:00.000Z");
    await visit(m, c, "shop"); // under the 30-day policy
    // The merchant switches the program to "points do not expire" (a new program version).
    await createProgram(db, {
      merchantId: m,
      id: "prog-later",
      name: "later",
      version: 1,
      rule: { kind: "visit", pointsPerVisit: 10, minMinutesBetweenVisits: 0 },
      updatedAt: now.toISOString(),
    });
    await createLocation(db, {
      merchantId: m,
      id: "shop2",
      name: "shop2",
      programId: "prog-later",
      createdAt: now.toISOString(),
    });
    await visit(m, c, "shop2");
    const result = await run("2026-06-15T10:00:00.000Z");
    expect(result.pointsExpired).toBe(10);
    expect(await balance(m, c)).toBe(10);
  });
});

describe("the job's robustness", () => {
  it("two runs at once expire each lot once and report true counts between them", async () => {
    const m = await merchantWith({ shop: { kind: "rolling", days: 5 } });
    setNow("2026-08-01T10:00:00.000Z");
    const customers: string[] = [];
    for (let i = 0; i < 6; i++) {
      const c = await newCustomer(m);
      await visit(m, c, "shop");
      customers.push(c);
    }
    setNow("2026-08-07T10:00:00.000Z");
    const [a, b] = await Promise.all([
      runExpiry(deps(), { now, lookbackDays: 7 }),
      runExpiry(deps(), { now, lookbackDays: 7 }),
    ]);
    expect(a.customersExpired + b.customersExpired).toBe(6);
    expect(a.pointsExpired + b.pointsExpired).toBe(60);
    for (const c of customers)
      expect(await verifyLedger(db, m, c)).toMatchObject({ valid: true, entries: 2 });
  });

  it("reads again, on the next day, the shards an interrupted run had read before their lots fell due", async () => {
    const m = await merchantWith({ shop: { kind: "rolling", days: 10 } });
    // A customer whose lots are listed in the day's first shard.
    let id = 0;
    while (dueShard(`cus-shard0-${id}`) !== 0) id++;
    const c = (await enrolCustomer(deps(), m, { name: "C", id: `cus-shard0-${id}`, welcome: false })).result
      .customer.id;
    setNow("2026-01-01T12:00:00.000Z");
    await visit(m, c, "shop"); // due Jan 11 12:00
    // The Jan 11 run, at 02:30, reads shard 0 (nothing due yet) and stops before the last shard.
    let checks = 0;
    const early = await run("2026-01-11T02:30:00.000Z", {
      lookbackDays: 1,
      remainingMs: () => (checks++ < 6 ? 60_000 : 0),
    });
    expect(early.complete).toBe(false);
    expect(early.checkpoint.day).toBe("2026-01-11");
    expect(early.checkpoint.shard).toBeGreaterThan(0);
    expect(await run("2026-01-12T02:30:00.000Z")).toMatchObject({ customersExpired: 1, pointsExpired: 10 });
    expect(await balance(m, c)).toBe(0);
  });

  it("records a customer whose expiry fails, expires the others, and retries it first on the next run", async () => {
    const m = await merchantWith({ shop: { kind: "rolling", days: 5 } });
    setNow("2026-09-01T10:00:00.000Z");
    const customers: string[] = [];
    for (let i = 0; i < 4; i++) {
      const c = await newCustomer(m);
      await visit(m, c, "shop");
      customers.push(c);
    }
    // One customer's data is broken: the profile says 0 while the lots hold 10, so its expiry cannot be written.
    const broken = customers[0] as string;
    const setBalance = (balance: number) =>
      db.client.send(
        new UpdateCommand({
          TableName: db.table,
          Key: { pk: customerPk(m, broken), sk: "#PROFILE" },
          UpdateExpression: "SET balance = :b",
          ExpressionAttributeValues: { ":b": balance },
        }),
      );
    await setBalance(0);
    const first = await run("2026-09-07T10:00:00.000Z", { lookbackDays: 7 });
    expect(first).toMatchObject({
      complete: true,
      customersFailed: 1,
      customersExpired: 3,
      pointsExpired: 30,
    });
    expect(await listRetries(db)).toMatchObject([{ merchantId: m, customerId: broken, attempts: 1 }]);
    // Still broken the next day: tried again, recorded again, and the run completes.
    const second = await run("2026-09-08T10:00:00.000Z", { lookbackDays: 7 });
    expect(second).toMatchObject({ complete: true, customersFailed: 1 });
    expect(await listRetries(db)).toMatchObject([{ customerId: broken, attempts: 2 }]);
    // Repaired: the next run expires it from the retry list, though its day is behind the checkpoint.
    await setBalance(10);
    const third = await run("2026-09-09T10:00:00.000Z", { lookbackDays: 7 });
    expect(third).toMatchObject({ customersFailed: 0, customersExpired: 1, pointsExpired: 10 });
    expect(await listRetries(db)).toEqual([]);
    expect(await balance(m, broken)).toBe(0);
  });
});

describe("the job at scale", () => {
  it("resumes an interrupted run where it stopped and expires every due lot once", async () => {
    const m = await merchantWith({ shop: { kind: "rolling", days: 10 } });
    setNow("2026-07-01T10:00:00.000Z");
    const customers: string[] = [];
    for (let i = 0; i < 12; i++) {
      const c = await newCustomer(m);
      await visit(m, c, "shop");
      customers.push(c);
    }
    // Time for two pages (two of the due day's four shards), then the Lambda is about to time out.
    let checks = 0;
    const interrupted = await run("2026-07-12T10:00:00.000Z", {
      lookbackDays: 1,
      remainingMs: () => (checks++ < 2 ? 60_000 : 0),
    });
    expect(interrupted.complete).toBe(false);
    expect(interrupted.checkpoint).toEqual({ day: "2026-07-11", shard: 2 });
    expect(interrupted.lotsExpired).toBeGreaterThan(0);
    expect(interrupted.lotsExpired).toBeLessThan(12);
    const resumed = await run("2026-07-12T10:00:00.000Z");
    expect(resumed.complete).toBe(true);
    expect(interrupted.lotsExpired + resumed.lotsExpired).toBe(12);
    const balances = await Promise.all(customers.map((c) => balance(m, c)));
    expect(balances).toEqual(customers.map(() => 0));
    for (const c of customers)
      expect(await verifyLedger(db, m, c)).toMatchObject({ valid: true, entries: 2 });
  });

  it("reads due-index items in proportion to the due lots, not to the memberships (2,000, 2% due; the bench runs 10,000 and 100,000)", async () => {
    const m = await merchantWith({ shop: { kind: "rolling", days: 30 } });
    setNow("2026-09-01T10:00:00.000Z");
    // Ten at a time: each customer's enrolment and visit stay in order, the customers need not.
    for (let i = 0; i < 40; i += 10) {
      await Promise.all(Array.from({ length: 10 }, async () => visit(m, await newCustomer(m), "shop"))); // due Oct 1
    }
    // 1,960 other memberships' lots, due far later: written directly, the job must never read them.
    const later = "2027-03-01T10:00:00.000Z";
    const items = Array.from({ length: 1_960 }, (_, i) => {
      const customerId = `bulk-${i}`;
      return {
        pk: customerPk(m, customerId),
        sk: `LOTS#${later.slice(0, 10)}`,
        points: 10,
        expiresAt: later,
        rev: 1,
        ...dueKeys(m, customerId, later),
      };
    });
    for (let i = 0; i < items.length; i += 25) {
      await db.client.send(
        new BatchWriteCommand({
          RequestItems: { [db.table]: items.slice(i, i + 25).map((Item) => ({ PutRequest: { Item } })) },
        }),
      );
    }
    const result = await run("2026-10-01T12:00:00.000Z");
    expect(result).toMatchObject({
      complete: true,
      lotsExpired: 40,
      customersExpired: 40,
      pointsExpired: 400,
    });
    expect(result.dueItemsRead).toBe(40);
  }, 120_000);
});
