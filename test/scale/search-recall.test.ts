import { beforeAll, describe, expect, it } from "vitest";
import { enrolCustomer } from "../../shared/customers/enrol.ts";
import { searchCustomers } from "../../shared/customers/search.ts";
import { updateCustomer } from "../../shared/customers/update.ts";
import type { Db } from "../../shared/store/db/client.ts";
import { meterCapacity } from "../support/capacity-meter.ts";
import { merchantWithLocations } from "../support/ledger-merchant.ts";
import { onItsOwnDatabase } from "../support/own-dynamodb.ts";
import { batchPut, namedCustomerItems } from "../support/scale-seed.ts";

/**
 * Name search finds every customer with exactly the name searched, first, however many share its first word
 * (issue 19: "camille martin" found 3 of 29 at 50,000 customers, as only 200 "camille" rows were read).
 */

let db: Db;
let merchantId: string;
const exact: string[] = [];
const at = new Date("2026-01-01T09:00:00.000Z");

onItsOwnDatabase((own) => {
  db = own;
});

beforeAll(async () => {
  const owner = await merchantWithLocations(db, at, {});
  merchantId = owner.merchantId;
  // 2,000 customers: 29 Camille Martin, 5 Camille Martinez, 1,000 other Camilles, 966 Martins and others.
  const names = Array.from({ length: 2_000 }, (_, i) => {
    if (i % 69 === 0 && i / 69 < 29) return i % 2 ? "Camille Martin" : "camille MARTIN";
    if (i % 401 === 1) return "Camille Martinez";
    if (i % 2 === 0) return `Camille Nom${i}`;
    return i % 3 ? `Martin Prenom${i}` : `Zoé Autre${i}`;
  });
  // The Camille Martins (and Martinez) are enrolled; the crowd is written straight, profile and name index
  // items as enrolment writes them.
  const crowd: Record<string, unknown>[] = [];
  for (const [i, name] of names.entries()) {
    if (/^camille martin/i.test(name)) {
      const { result } = await enrolCustomer({ db, clock: () => at }, merchantId, { name, welcome: false });
      if (name.toLowerCase() === "camille martin") exact.push(result.customer.id as string);
      continue;
    }
    crowd.push(...namedCustomerItems(db, merchantId, `cus_crowd${i}`, name, at));
  }
  await batchPut(db, crowd);
  // Thousands of writes on a shared machine: more than the default minute.
}, 300_000);

describe("name search", () => {
  it("returns every exact full-name match, first, with bounded reads", async () => {
    expect(exact).toHaveLength(29);
    const meter = meterCapacity(db);
    let found: Awaited<ReturnType<typeof searchCustomers>> = [];
    const consumed = await meter.measure(async () => {
      found = await searchCustomers(db, merchantId, "Camille Martin", 50);
    });
    expect(new Set(found.slice(0, 29).map((c) => c.id))).toEqual(new Set(exact));
    // Then prefix matches: other names with a word starting "martin".
    expect(found.slice(29).every((c) => c.name !== "Camille Martin" && /martin/i.test(c.name))).toBe(true);
    // The full-name rows, 200 rows of the pivot word, and the profiles they name.
    expect(consumed.itemsRead).toBeLessThanOrEqual(50 + 200 + 250);
    // Accents and case ignored, and a smaller limit is all exact matches.
    const some = await searchCustomers(db, merchantId, "CAMILLE martin", 20);
    expect(some).toHaveLength(20);
    expect(some.every((c) => exact.includes(c.id))).toBe(true);
  });

  it("follows a rename: the old full name no longer finds the customer, the new one does", async () => {
    const id = exact[0] as string;
    await updateCustomer({ db, clock: () => at }, merchantId, id, "staff_owner", { name: "Camille Dupont" });
    const after = await searchCustomers(db, merchantId, "camille martin", 50);
    expect(after.map((c) => c.id)).not.toContain(id);
    expect(new Set(after.slice(0, 28).map((c) => c.id))).toEqual(new Set(exact.slice(1)));
    expect((await searchCustomers(db, merchantId, "Camille Dupont", 5))[0]?.id).toBe(id);
    exact.shift();
  });
});
