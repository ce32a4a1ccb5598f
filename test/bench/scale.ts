import { createTable } from "../../infra/local/create-table.ts";
import { startDynamoDbLocal } from "../../infra/local/dynamodb-local.ts";
import { loadMemberPassContent } from "../../passes/member-pass.ts";
import { type ActivityQuery, listActivity } from "../../shared/activity/list.ts";
import { enrolCustomer } from "../../shared/customers/enrol.ts";
import { searchCustomers } from "../../shared/customers/search.ts";
import { listEntries } from "../../shared/ledger/read.ts";
import { statementPage } from "../../shared/statements/statement.ts";
import { createDb, type Db } from "../../shared/store/db/client.ts";
import { meterCapacity } from "../support/capacity-meter.ts";
import { merchantWithLocations } from "../support/ledger-merchant.ts";
import { memoryKeyBackend } from "../support/memory-keys.ts";
import {
  activityEntries,
  appendChainedEntries,
  batchPut,
  entryItem,
  namedCustomerItems,
} from "../support/scale-seed.ts";
import { percentile, round } from "./stats.ts";

const sizes = (name: string, fallback: string) => (process.env[name] ?? fallback).split(",").map(Number);
const ACTIVITY_SIZES = sizes("BENCH_SCALE_ACTIVITY", "1000,10000,50000");
const LEDGER_SIZES = sizes("BENCH_SCALE_LEDGER", "100,2000,5000");
const SEARCH_SIZES = sizes("BENCH_SCALE_SEARCH", "1000,10000,50000");
const REPS = Number(process.env.BENCH_SCALE_REPS ?? 5);
/** Requests in flight while seeding: the seeding is not measured, only its time reported. */
const SEED_PARALLEL = 4;
const T0 = Date.parse("2025-01-01T00:00:00.000Z");
const rule = { kind: "purchase", currency: "EUR", points: 1, per: "1.00", rounding: "down" } as const;

type Meter = ReturnType<typeof meterCapacity>;

/** Items and read units of one call (the same on every repetition: the data does not move), p50 of its times. */
async function measure(meter: Meter, run: () => Promise<unknown>) {
  const times: number[] = [];
  let consumed = { itemsRead: 0, readUnits: 0 };
  for (let i = 0; i < REPS; i++) {
    const t0 = performance.now();
    consumed = await meter.measure(run);
    times.push(performance.now() - t0);
  }
  return {
    items: consumed.itemsRead,
    units: round(consumed.readUnits, 1),
    p50Ms: round(percentile(times, 50), 1),
  };
}

/**
 * The scale curves of issue 19: items read, read units and p50 time of the reads that must not grow with the
 * data, at three sizes each, on one DynamoDB Local of the section's own (no stream: nothing reads it, and
 * writes to a stream-enabled table slow down as it fills). Each curve grows one merchant or one customer
 * size by size, so a row differs from the one before only by the data added.
 */
export async function benchScale() {
  const dynamo = await startDynamoDbLocal();
  try {
    await createTable(dynamo.endpoint, "bench-scale", { streams: false });
    const db = createDb({ table: "bench-scale", endpoint: dynamo.endpoint });
    const meter = meterCapacity(db);
    return {
      repetitions: REPS,
      rows: [
        ...(await activityCurve(db, meter)),
        ...(await customerCurve(db, meter)),
        ...(await searchCurve(db, meter)),
      ],
    };
  } finally {
    await dynamo.stop();
  }
}

const ACTIVITY_CASES: [string, Omit<ActivityQuery, "limit">][] = [
  ["no filter", {}],
  ["type issued", { types: ["issued"] }],
  ["type manual (rare)", { types: ["manual"] }],
  ["type expired (rare)", { types: ["expired"] }],
  ["type redeemed (rare)", { types: ["redeemed"] }],
  ["location", { locationId: "lyon" }],
  ["staff (rare)", { staffId: "staff_rare" }],
  ["customer", { q: "anna alpha" }],
  ["type + location (rare)", { types: ["manual"], locationId: "paris" }],
];

/** GET /v1/activity's first page (25) per filter; the rare entries are the oldest, under all the others. */
async function activityCurve(db: Db, meter: Meter) {
  const at = new Date(T0 - 86_400_000);
  const owner = await merchantWithLocations(db, at, { paris: { rule }, lyon: { rule } });
  const customers: string[] = [];
  for (const name of ["Anna Alpha", "Bruno Beta", "Chloé Gamma"]) {
    const enrolled = await enrolCustomer({ db, clock: () => at }, owner.merchantId, { name, welcome: false });
    customers.push(enrolled.result.customer.id as string);
  }
  const entries = activityEntries(owner.merchantId, customers, Math.max(...ACTIVITY_SIZES), T0);
  const rows = [];
  let written = 0;
  for (const size of ACTIVITY_SIZES) {
    const t0 = performance.now();
    await batchPut(
      db,
      entries.slice(written, size).map((entry) => entryItem(db, entry)),
      SEED_PARALLEL,
    );
    const seedSeconds = round((performance.now() - t0) / 1000, 1);
    written = size;
    for (const [filter, query] of ACTIVITY_CASES) {
      const read = await measure(meter, () => listActivity(db, owner, { ...query, limit: 25 }));
      rows.push({ curve: "activity", size, read: filter, ...read, seedSeconds });
    }
  }
  return rows;
}

/** One customer's ledger first page, statement first page and pass fetch; one dated lot per entry. */
async function customerCurve(db: Db, meter: Meter) {
  let now = new Date(T0);
  const owner = await merchantWithLocations(db, now, { shop: { rule } });
  const { merchantId } = owner;
  const customerId = (await enrolCustomer({ db, clock: () => now }, merchantId, { name: "Regular" })).result
    .customer.id as string;
  const member = { merchantId, customerId };
  const deps = { db, clock: () => now, backend: memoryKeyBackend() };
  const rows = [];
  let written = 1; // the welcome entry
  for (const size of LEDGER_SIZES) {
    now = new Date(now.getTime() + (size - written) * 86_400_000);
    const t0 = performance.now();
    await appendChainedEntries(db, merchantId, customerId, size - written, now, {
      lotsExpiringAfterDays: 9_000,
      parallel: SEED_PARALLEL,
    });
    const seedSeconds = round((performance.now() - t0) / 1000, 1);
    written = size;
    // The statement signing key is made on the first statement; that write is not a read of the curve.
    await statementPage(deps, member, "https://api.example");
    const reads: [string, () => Promise<unknown>][] = [
      ["ledger first page", () => listEntries(db, merchantId, customerId, { limit: 25 })],
      ["statement first page", () => statementPage(deps, member, "https://api.example")],
      ["pass fetch", () => loadMemberPassContent(db, merchantId, customerId, { now })],
    ];
    for (const [read, run] of reads) {
      rows.push({ curve: "customer entries", size, read, ...(await measure(meter, run)), seedSeconds });
    }
  }
  return rows;
}

/** Name search (limit 50) among one merchant's customers, 1 in 1,000 named "Camille Martin", half "Camille …". */
async function searchCurve(db: Db, meter: Meter) {
  const at = new Date(T0);
  const { merchantId } = await merchantWithLocations(db, at, {});
  const nameOf = (i: number) =>
    i % 1000 === 7
      ? "Camille Martin"
      : i % 2 === 0
        ? `Camille Nom${i}`
        : i % 3
          ? `Martin Prenom${i}`
          : `Zoé Autre${i}`;
  const rows = [];
  let written = 0;
  for (const size of SEARCH_SIZES) {
    const t0 = performance.now();
    const items: Record<string, unknown>[] = [];
    for (let i = written; i < size; i++)
      items.push(...namedCustomerItems(db, merchantId, `cus_b${i}`, nameOf(i), at));
    await batchPut(db, items, SEED_PARALLEL);
    const seedSeconds = round((performance.now() - t0) / 1000, 1);
    written = size;
    for (const [read, q] of [
      ["full name", "Camille Martin"],
      ["prefix", "cami"],
    ] as const) {
      let found = 0;
      const measured = await measure(meter, async () => {
        found = (await searchCustomers(db, merchantId, q, 50)).length;
      });
      rows.push({ curve: "customer search", size, read, ...measured, found, seedSeconds });
    }
  }
  return rows;
}
