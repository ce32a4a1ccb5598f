import { randomUUID } from "node:crypto";
import { BatchWriteCommand } from "@aws-sdk/lib-dynamodb";
import { runExpiry } from "../../shared/expiry/run.ts";
import { customerPk } from "../../shared/store/db/partitions.ts";
import { dueKeys } from "../../shared/store/ledger/lots.ts";
import { earnPoints } from "../../shared/transactions/earn.ts";
import { startBenchStack } from "./bench-stack.ts";
import { round } from "./stats.ts";

/**
 * The expiry job at 10,000 and 100,000 memberships with 1% due: items read per expired lot, run time.
 * The due 1% are real memberships with earned points; the other 99% are lots due next year,
 * written directly (the job must not read them at all).
 */
export async function benchExpiry() {
  const rows = [];
  for (const memberships of [10_000, 100_000]) {
    const stack = await startBenchStack();
    try {
      const due = memberships / 100;
      let now = new Date("2026-01-01T10:00:00.000Z");
      const deps = { db: stack.db, clock: () => now };
      const customers = await stack.enrolMany(due);
      for (let i = 0; i < customers.length; i += 16) {
        await Promise.all(
          customers
            .slice(i, i + 16)
            .map((customerId) =>
              earnPoints(
                deps,
                stack.owner,
                { customerId, locationId: "paris-01", type: "purchase", amount: "10.00", currency: "EUR" },
                randomUUID(),
              ),
            ),
        );
      }
      const later = "2027-06-01T10:00:00.000Z";
      const others = memberships - due;
      for (let i = 0; i < others; i += 25) {
        const items = Array.from({ length: Math.min(25, others - i) }, (_, j) => {
          const customerId = `bulk-${i + j}`;
          return {
            pk: customerPk(stack.owner.merchantId, customerId),
            sk: `LOTS#${later.slice(0, 10)}`,
            points: 10,
            expiresAt: later,
            rev: 1,
            ...dueKeys(stack.owner.merchantId, customerId, later),
          };
        });
        await stack.db.client.send(
          new BatchWriteCommand({
            RequestItems: { [stack.db.table]: items.map((Item) => ({ PutRequest: { Item } })) },
          }),
        );
      }
      now = new Date("2027-01-02T10:00:00.000Z");
      const t0 = performance.now();
      const result = await runExpiry(deps, { now, lookbackDays: 2 });
      const seconds = (performance.now() - t0) / 1000;
      rows.push({
        memberships,
        dueLots: due,
        lotsExpired: result.lotsExpired,
        dueIndexItemsRead: result.dueItemsRead,
        itemsReadPerExpiredLot: round(result.dueItemsRead / Math.max(1, result.lotsExpired)),
        runSeconds: round(seconds),
      });
    } finally {
      await stack.stop();
    }
  }
  return { rows };
}
