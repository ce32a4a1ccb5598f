import { beforeAll, describe, expect, it } from "vitest";
import { ACTIVITY_READ_BUDGET, type ActivityQuery, listActivity } from "../../shared/activity/list.ts";
import type { Principal } from "../../shared/auth/principal.ts";
import { enrolCustomer } from "../../shared/customers/enrol.ts";
import type { LedgerEntry } from "../../shared/model.ts";
import type { Db } from "../../shared/store/db/client.ts";
import { meterCapacity } from "../support/capacity-meter.ts";
import { merchantWithLocations } from "../support/ledger-merchant.ts";
import { onItsOwnDatabase } from "../support/own-dynamodb.ts";
import { activityEntries, batchPut, entryItem } from "../support/scale-seed.ts";

/**
 * GET /v1/activity reads a bounded number of items whatever the merchant's size (issue 19): the same
 * queries on a merchant with 200 entries and one with 2,000, whose rare entries are all at the old end.
 */

const LIMIT = 25;
/** The read budget, the page's BatchGet and the customer search of `q`. */
const BOUND = ACTIVITY_READ_BUDGET + LIMIT + 40;
const NAMES = ["Anna Alpha", "Bruno Beta", "Chloé Gamma"];
const T0 = Date.parse("2026-01-01T00:00:00.000Z");

let db: Db;
const rule = { kind: "purchase", currency: "EUR", points: 1, per: "1.00", rounding: "down" } as const;

interface Merchant {
  owner: Principal;
  customers: string[];
  entries: LedgerEntry[];
}

async function merchantOf(count: number): Promise<Merchant> {
  const at = new Date(T0 - 86_400_000);
  const owner = await merchantWithLocations(db, at, { paris: { rule }, lyon: { rule } });
  const customers: string[] = [];
  for (const name of NAMES) {
    const enrolled = await enrolCustomer({ db, clock: () => at }, owner.merchantId, { name, welcome: false });
    customers.push(enrolled.result.customer.id as string);
  }
  const entries = activityEntries(owner.merchantId, customers, count, T0);
  await batchPut(
    db,
    entries.map((entry) => entryItem(db, entry)),
  );
  return { owner, customers, entries };
}

let small: Merchant;
let big: Merchant;
let meter: ReturnType<typeof meterCapacity>;

// Seeding 2,200 entries through the write pipeline takes about a minute on 2 cores, past the hooks' 2-minute
// limit when the machine is busy.
onItsOwnDatabase((own) => {
  db = own;
});

beforeAll(async () => {
  [small, big] = [await merchantOf(200), await merchantOf(2_000)];
  meter = meterCapacity(db);
}, 600_000);

type Case = [name: string, query: Omit<ActivityQuery, "limit">, served: boolean, restrictTo?: string[]];
/** Which entries each case lists: the expectation the pages are checked against. */
const CASES: Case[] = [
  ["nothing", {}, true],
  ["a rare type", { types: ["manual"] }, true],
  ["another rare type", { types: ["expired"] }, true],
  ["issued", { types: ["issued"] }, true],
  ["two types and a time range", { types: ["expired", "redeemed"], from: "2026-01-01T00:05:00.000Z" }, true],
  ["a staff member", { staffId: "staff_rare" }, true],
  ["a location", { locationId: "lyon" }, true],
  ["a customer", { q: "anna alpha" }, true],
  ["type + location", { types: ["manual"], locationId: "paris" }, false],
  ["type + staff (no match)", { types: ["expired"], staffId: "staff_one" }, false],
  ["staff + location", { staffId: "staff_rare", locationId: "paris" }, false],
  ["type + customer", { types: ["redeemed"], q: "bruno" }, false],
  ["type + staff + customer", { types: ["manual"], staffId: "staff_rare", q: "anna" }, false],
  ["a restricted manager, by type", { types: ["redeemed"] }, false, ["lyon"]],
];

const principalFor = (m: Merchant, restrictTo?: string[]): Principal =>
  restrictTo ? { ...m.owner, role: "manager", locationIds: restrictTo } : m.owner;

/** Every page of a query, with the items each read. */
async function allPages(m: Merchant, query: Omit<ActivityQuery, "limit">, restrictTo?: string[]) {
  const pages: { ids: string[]; itemsRead: number; searchedTo: string | null }[] = [];
  let cursor: string | undefined;
  do {
    let page: Awaited<ReturnType<typeof listActivity>> | undefined;
    const consumed = await meter.measure(async () => {
      page = await listActivity(db, principalFor(m, restrictTo), { ...query, limit: LIMIT, cursor });
    });
    if (!page) throw new Error("no page");
    pages.push({
      ids: page.rows.map((r) => r.id),
      itemsRead: consumed.itemsRead,
      searchedTo: page.searchedTo,
    });
    cursor = page.nextCursor ?? undefined;
  } while (cursor && pages.length < 200);
  return pages;
}

describe("activity reads per page", () => {
  it.each(CASES)("%s: bounded whatever the merchant's size", async (_name, query, served, restrictTo) => {
    const [first200] = await allPages(small, query, restrictTo).then((p) => p.slice(0, 1));
    const firstPage = await (async () => {
      const consumed = await meter.measure(() =>
        listActivity(db, principalFor(big, restrictTo), { ...query, limit: LIMIT }),
      );
      return consumed.itemsRead;
    })();
    expect(firstPage).toBeLessThanOrEqual(BOUND);
    // Served by index keys: the first page reads the same at 200 and 2,000 entries.
    if (served) expect(firstPage).toBe(first200?.itemsRead);
  });

  it.each(CASES)(
    "%s: the pages list every match once, newest first",
    async (_name, query, _served, restrictTo) => {
      const pages = await allPages(big, query, restrictTo);
      const customer = query.q
        ? big.customers[NAMES.findIndex((n) => n.toLowerCase().startsWith(query.q?.split(" ")[0] as string))]
        : undefined;
      const expected = big.entries
        .filter((e) => {
          const listed =
            !query.types ||
            query.types.some((t) =>
              t === "manual"
                ? e.type === "manual"
                : t === "expired"
                  ? e.type === "expiry"
                  : t === "redeemed"
                    ? e.type === "redemption"
                    : t === "issued" && (e.type === "purchase" || (e.type === "manual" && e.points > 0)),
            );
          return (
            listed &&
            (!query.staffId || e.staffId === query.staffId) &&
            (!query.locationId || e.locationId === query.locationId) &&
            (!restrictTo || (e.locationId !== undefined && restrictTo.includes(e.locationId))) &&
            (!customer || e.customerId === customer) &&
            (!query.from || e.createdAt >= query.from)
          );
        })
        .map((e) => e.id)
        .reverse();
      expect(pages.flatMap((p) => p.ids)).toEqual(expected);
      for (const page of pages) expect(page.itemsRead).toBeLessThanOrEqual(BOUND);
      // A page cut short by the budget says how far it searched; the last page has searched everything.
      expect(pages.at(-1)?.searchedTo).toBeNull();
      for (const page of pages.slice(0, -1)) expect(page.searchedTo).toMatch(/^2026-/);
    },
  );
});
