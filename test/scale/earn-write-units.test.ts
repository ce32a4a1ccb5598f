import { randomUUID } from "node:crypto";
import type { ConsumedCapacity } from "@aws-sdk/client-dynamodb";
import { describe, expect, it } from "vitest";
import { enrolCustomer } from "../../shared/customers/enrol.ts";
import type { ExpiryPolicy } from "../../shared/expiry/policy.ts";
import { newId } from "../../shared/ids.ts";
import { createLocation, createMerchant, createProgram } from "../../shared/merchants/setup.ts";
import { TABLE } from "../../shared/store/db/table-definition.ts";
import type { TierSettings } from "../../shared/tiers/settings.ts";
import { earnPoints } from "../../shared/transactions/earn.ts";
import { ownerOf } from "../support/ledger-merchant.ts";
import { DAY, longLivedWorld } from "../support/long-lived-customer.ts";

/**
 * Where an earn's write units go, table and index by index (DynamoDB Local's `ReturnConsumedCapacity=INDEXES`
 * of the earn's own transaction, README "Performance"): each index an item touches is billed at least 2 units,
 * even keys only, so an index key added back to the entry, the lot or the key's record shows here by name.
 * The same cost at 10 and at 2,000 entries is long-lived-debit.test.ts's.
 */

const { world, deps, onItsOwnDatabase, merchant, customer, credits, purchase } = longLivedWorld();

type Breakdown = { total: number; table: number } & Record<string, number>;

function breakdownOf(consumed: ConsumedCapacity): Breakdown {
  return {
    total: consumed.CapacityUnits ?? 0,
    table: consumed.Table?.CapacityUnits ?? 0,
    ...Object.fromEntries(
      Object.entries(consumed.GlobalSecondaryIndexes ?? {}).map(([name, c]) => [name, c.CapacityUnits ?? 0]),
    ),
  };
}

/** The transactions sent through the world's client, with their consumed capacity by table and index. */
function recordTransactions() {
  world.db.client.middlewareStack.remove("earnWriteUnits");
  const transactions: { items: Record<string, unknown>[]; consumed: ConsumedCapacity }[] = [];
  world.db.client.middlewareStack.add(
    (next, context) => async (args) => {
      const input = args.input as { ReturnConsumedCapacity?: string; TransactItems?: unknown[] };
      input.ReturnConsumedCapacity = "INDEXES";
      const result = await next(args);
      if (context.commandName === "TransactWriteItemsCommand") {
        const [consumed] =
          (result.output as { ConsumedCapacity?: ConsumedCapacity[] }).ConsumedCapacity ?? [];
        const items = (input.TransactItems ?? []).map(
          (item) => (Object.values(item as object)[0] as { Item?: Record<string, unknown> }).Item ?? {},
        );
        if (consumed) transactions.push({ items, consumed });
      }
      return result;
    },
    { step: "initialize", name: "earnWriteUnits" },
  );
  /** The one transaction of an earn. */
  return async (run: () => Promise<unknown>) => {
    transactions.length = 0;
    await run();
    expect(transactions).toHaveLength(1);
    return transactions[0] as (typeof transactions)[number];
  };
}

describe("the write units of an earn, by table and index", () => {
  onItsOwnDatabase();
  it("are 10 into an existing lot, whatever the policy, and 14 opening a lot that expires", async () => {
    world.now = new Date("2034-01-01T09:00:00.000Z");
    const transaction = recordTransactions();
    const earn = (owner: Awaited<ReturnType<typeof merchant>>, c: string) =>
      transaction(() => purchase(owner, c));

    const figures: Record<string, Breakdown> = {};
    for (const expiry of [{ kind: "none" }, { kind: "rolling", days: 365 }] satisfies ExpiryPolicy[]) {
      const owner = await merchant(expiry);
      const c = await customer(owner);
      await credits(owner, c, 3, DAY);
      // Into the lot the last credit opened (the same day; `never` without expiry).
      const existing = await earn(owner, c);
      figures[`${expiry.kind}, existing lot`] = breakdownOf(existing.consumed);
      // Four items, one unit each (each under 1 KB); the entry in the location, staff and type indexes.
      expect(breakdownOf(existing.consumed)).toEqual({ total: 10, table: 4, gsi2: 2, gsi3: 2, gsi5: 2 });
      const entry = existing.items.find((item) => String(item.sk).startsWith("ENTRY#"));
      // No index by id: an entry is found through the type index (shared/store/ledger/entries.ts).
      expect(Object.keys(entry ?? {}).filter((name) => /^gsi\dpk$/.test(name))).toEqual([
        "gsi2pk",
        "gsi3pk",
        "gsi5pk",
      ]);
      if (expiry.kind === "rolling") {
        world.now = new Date(world.now.getTime() + DAY);
        const opening = await earn(owner, c);
        figures[`${expiry.kind}, new lot`] = breakdownOf(opening.consumed);
        // The new lot joins the due index of its day (gsi5), which the expiry job reads: 2 more there.
        expect(breakdownOf(opening.consumed)).toEqual({ total: 14, table: 6, gsi2: 2, gsi3: 2, gsi5: 4 });
      }
    }
    expect(TABLE.indexes.map((index) => index.name)).toEqual(["gsi1", "gsi2", "gsi3", "gsi5"]);
    console.log(`write units per earn: ${JSON.stringify(figures)}`);
  });

  /** A merchant, program and location as production mints their ids, and an earn there by a member. */
  async function productionShaped(tiers?: TierSettings) {
    const at = world.now.toISOString();
    // `mer_`, `loc_`, `prog_`, `staff_` + a ULID: the merchant's id alone is in four of the entry's keys.
    const merchantId = newId("mer", world.now);
    const programId = newId("prog", world.now);
    const locationId = newId("loc", world.now);
    const expiry = { kind: "rolling", days: 365 } satisfies ExpiryPolicy;
    await createMerchant(world.db, {
      id: merchantId,
      name: "Boulangerie",
      country: "FR",
      currency: "EUR",
      createdAt: at,
      expiry,
    });
    const rule = { kind: "purchase", currency: "EUR", points: 1, per: "1.00", rounding: "down" } as const;
    await createProgram(world.db, {
      merchantId,
      id: programId,
      name: "Points",
      version: 1,
      rule,
      expiry,
      updatedAt: at,
      ...(tiers ? { tiers } : {}),
    });
    await createLocation(world.db, {
      merchantId,
      id: locationId,
      name: "Paris 01",
      programId,
      createdAt: at,
    });
    const owner = { ...ownerOf(merchantId), staffId: newId("staff", world.now) };
    const c = (await enrolCustomer(deps(), merchantId, { name: "Camille Martin" })).result.customer
      .id as string;
    return () =>
      earnPoints(
        deps(),
        owner,
        { customerId: c, locationId, type: "purchase", amount: "23.40", currency: "EUR" },
        randomUUID(),
      );
  }

  it("are 10 with ids as production mints them: the entry stays under 1 KB, its index keys stored once", async () => {
    world.now = new Date("2034-06-01T09:00:00.000Z");
    const transaction = recordTransactions();
    const earn = await productionShaped();
    await transaction(earn); // opens the day's lot
    const again = await transaction(earn);
    console.log(`write units per earn, production-sized ids: ${JSON.stringify(breakdownOf(again.consumed))}`);
    // The entry's three index sort keys are one attribute, and the location's and staff member's partitions
    // digests: spelled out three times over, they took the entry to 1.2 KB, two units more.
    expect(breakdownOf(again.consumed)).toEqual({ total: 10, table: 4, gsi2: 2, gsi3: 2, gsi5: 2 });
    const entry = again.items.find((item) => String(item.sk).startsWith("ENTRY#")) ?? {};
    expect(
      Object.keys(entry)
        .filter((name) => name.startsWith("gsi"))
        .sort(),
    ).toEqual(["gsi2pk", "gsi3pk", "gsi5pk", "gsisk"]);
  });

  it("are 10 for a member earning with a tier's multiplier, whose entry records the tier", async () => {
    world.now = new Date("2034-07-01T09:00:00.000Z");
    const transaction = recordTransactions();
    const earn = await productionShaped({
      window: { kind: "rolling", months: 12 },
      levels: [{ name: "Membre Privilège Or", threshold: 0, multiplier: "1.25" }],
    });
    await transaction(earn);
    const again = await transaction(earn);
    const entry = again.items.find((item) => String(item.sk).startsWith("ENTRY#")) ?? {};
    expect(entry.tier).toEqual({ name: "Membre Privilège Or", multiplier: "1.25" });
    console.log(
      `write units per earn, production-sized ids and a tier: ${JSON.stringify(breakdownOf(again.consumed))}`,
    );
    expect(breakdownOf(again.consumed)).toEqual({ total: 10, table: 4, gsi2: 2, gsi3: 2, gsi5: 2 });
  });
});
