import { randomUUID } from "node:crypto";
import { DEMO } from "../../infra/local/seed.ts";
import { listActivity } from "../../shared/activity/list.ts";
import { resolvePrincipal } from "../../shared/auth/principal.ts";
import { searchCustomers } from "../../shared/customers/search.ts";
import { expireCustomer } from "../../shared/expiry/expire-customer.ts";
import { createDb } from "../../shared/store/db/client.ts";
import { earnPoints } from "../../shared/transactions/earn.ts";
import { adjustPoints } from "../../shared/transactions/manual.ts";
import { scanCustomer } from "../../shared/transactions/scan.ts";
import { type Consumed, meterCapacity } from "../support/capacity-meter.ts";
import { startBenchStack } from "./bench-stack.ts";
import { round } from "./stats.ts";

/** On-demand request prices used for the cost column (US East (N. Virginia), since November 2024). */
export const PRICES = {
  region: "us-east-1",
  perMillionWriteUnits: 0.625,
  perMillionReadUnits: 0.125,
  currency: "USD",
};

const SAMPLES = 5;

/**
 * Capacity units per product operation, as DynamoDB reports them with ReturnConsumedCapacity=INDEXES
 * (DynamoDB Local's accounting), averaged over a few runs, and what a million of them cost on demand.
 */
export async function benchCapacity() {
  const stack = await startBenchStack();
  try {
    const db = createDb({ table: stack.db.table, endpoint: stack.dynamo.endpoint });
    const meter = meterCapacity(db);
    const [customer] = await stack.enrolMany(1);
    const customerId = customer as string;
    let now = new Date();
    const deps = { db, clock: () => now };
    const merchantId = DEMO.merchantId;
    // As the HTTP pipeline hands it over: with the merchant it read, which the earn then does not read again.
    const principal = await resolvePrincipal(db, { merchant_id: merchantId, staff_id: DEMO.staff.alice.id });
    // Some history so the reads have something to read.
    for (let i = 0; i < 30; i++) {
      await earnPoints(
        deps,
        stack.owner,
        { customerId, locationId: "paris-01", type: "purchase", amount: "20.00", currency: "EUR" },
        randomUUID(),
      );
    }
    const operations: Record<string, () => Promise<unknown>> = {
      "earn (purchase)": () =>
        earnPoints(
          deps,
          principal,
          { customerId, locationId: "paris-01", type: "purchase", amount: "12.34", currency: "EUR" },
          randomUUID(),
        ),
      "manual issue": () =>
        adjustPoints(deps, stack.owner, customerId, { points: 5, reason: "goodwill" }, randomUUID()),
      "manual deduction": () =>
        adjustPoints(deps, stack.owner, customerId, { points: -5, reason: "correction" }, randomUUID()),
      "staff authorization (every staff request)": () =>
        resolvePrincipal(db, { merchant_id: merchantId, staff_id: DEMO.staff.alice.id }),
      "scan lookup": () => scanCustomer(db, merchantId, DEMO.customers.camille.barcode, "paris-01"),
      "activity page (25 rows)": () => listActivity(db, stack.owner, { limit: 25 }),
      "customer search (name)": () => searchCustomers(db, merchantId, "bench", 20),
    };
    const rows: ReturnType<typeof row>[] = [];
    for (const [operation, run] of Object.entries(operations)) {
      const total: Consumed = { readUnits: 0, writeUnits: 0, itemsRead: 0 };
      for (let i = 0; i < SAMPLES; i++) {
        const used = await meter.measure(run);
        total.readUnits += used.readUnits;
        total.writeUnits += used.writeUnits;
        total.itemsRead += used.itemsRead;
      }
      rows.push(row(operation, total));
    }
    // Expiry of one due batch: earn under the 365-day policy, then expire it a year and a day later.
    const expiring = (await stack.enrolMany(SAMPLES)) as string[];
    for (const id of expiring) {
      await earnPoints(
        deps,
        stack.owner,
        { customerId: id, locationId: "paris-01", type: "purchase", amount: "10.00", currency: "EUR" },
        randomUUID(),
      );
    }
    now = new Date(now.getTime() + 366 * 86_400_000);
    const total: Consumed = { readUnits: 0, writeUnits: 0, itemsRead: 0 };
    for (const id of expiring) {
      const used = await meter.measure(() => expireCustomer(deps, merchantId, id, now));
      total.readUnits += used.readUnits;
      total.writeUnits += used.writeUnits;
      total.itemsRead += used.itemsRead;
    }
    rows.push(row("expiry (per due batch, after the index read)", total));
    return { prices: PRICES, source: "DynamoDB Local's ConsumedCapacity (INDEXES)", rows };
  } finally {
    await stack.stop();
  }
}

/** Averages `SAMPLES` runs' totals into one operation's row. */
function row(operation: string, total: Consumed) {
  const readUnits = total.readUnits / SAMPLES;
  const writeUnits = total.writeUnits / SAMPLES;
  return {
    operation,
    readUnits: round(readUnits) as number,
    writeUnits: round(writeUnits) as number,
    itemsRead: round(total.itemsRead / SAMPLES) as number,
    costPerMillion: round(
      writeUnits * PRICES.perMillionWriteUnits + readUnits * PRICES.perMillionReadUnits,
    ) as number,
  };
}
