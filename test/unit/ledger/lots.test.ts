import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  compareLots,
  credit,
  debit,
  expire,
  held,
  INACTIVITY,
  isDated,
  isDue,
  type Lot,
  lotKeyOf,
  MAX_EXPIRED_PER_WRITE,
  MAX_RELEASED_PER_DEBIT,
  NEVER,
  sumPoints,
} from "../../../shared/ledger/lots.ts";

/** A customer's lots and `spent`, changed the way the write pipeline and the expiry job change them. */
interface Customer {
  lots: Lot[];
  spent: number;
}

let rev = 0;

function applyCredit(
  c: Customer,
  points: number,
  expiresAt: string | undefined,
  inactivity: boolean,
): Customer {
  const key = lotKeyOf(expiresAt, inactivity);
  const lot = c.lots.find((l) => l.key === key) ?? { key, points: 0, rev: 0 };
  const after = { ...credit(lot, points, inactivity ? undefined : expiresAt), rev: ++rev };
  return { ...c, lots: [...c.lots.filter((l) => l.key !== key), after].sort(compareLots) };
}

function applyDebit(c: Customer, amount: number): Customer {
  const { spentAfter, released } = debit(c.lots.slice(0, MAX_RELEASED_PER_DEBIT), c.spent, amount);
  return { lots: c.lots.filter((l) => !released.includes(l)), spent: spentAfter };
}

/** The expiry job's dated run: the due lots, soonest first, in writes of at most MAX_EXPIRED_PER_WRITE. */
function applyExpiry(c: Customer, now: Date): { customer: Customer; expired: number; writes: number } {
  let customer = c;
  let expired = 0;
  let writes = 0;
  for (;;) {
    const due: Lot[] = [];
    for (const lot of customer.lots) {
      if (due.length === MAX_EXPIRED_PER_WRITE || !isDated(lot) || !isDue(now)(lot)) break;
      due.push(lot);
    }
    if (due.length === 0) return { customer, expired, writes };
    const run = expire(due, customer.spent);
    customer = { lots: customer.lots.slice(due.length), spent: run.spentAfter };
    expired += run.expired;
    writes++;
  }
}

/** The inactivity deadline passed: its lot goes, after every dated lot `spent` is charged to first. */
function applyInactivity(c: Customer): { customer: Customer; expired: number } {
  const lot = c.lots.find((l) => l.key === INACTIVITY);
  if (!lot) return { customer: c, expired: 0 };
  const run = expire([lot], c.spent, sumPoints(c.lots.filter(isDated)));
  return { customer: { lots: c.lots.filter((l) => l !== lot), spent: run.spentAfter }, expired: run.expired };
}

const leftByKey = (c: Customer) => new Map(held(c.lots, c.spent).map((h) => [h.lot.key, h.left]));
const left = (c: Customer, key: string) => leftByKey(c).get(key) ?? 0;
const keysOf = (...cs: Customer[]) => [...new Set(cs.flatMap((c) => c.lots.map((l) => l.key)))].sort();
/** Points left in the lots expiring at `key` or later: what a customer still holds after that day. */
const heldFrom = (c: Customer, key: string) =>
  held(c.lots, c.spent).reduce((s, h) => (h.lot.key >= key ? s + h.left : s), 0);

const START = Date.parse("2026-01-01T00:00:00.000Z");
const DAY = 86_400_000;
const instant = (maxDays: number) =>
  fc.integer({ min: 0, max: maxDays * DAY }).map((ms) => new Date(START + ms).toISOString());

type Op =
  | { kind: "credit"; points: number; expiresAt: string | undefined; inactivity: boolean }
  | { kind: "debit"; share: number }
  | { kind: "expire"; at: string }
  | { kind: "inactivity" };

const op = (maxDays: number): fc.Arbitrary<Op> =>
  fc.oneof(
    {
      weight: 4,
      arbitrary: fc.record({
        kind: fc.constant("credit" as const),
        points: fc.integer({ min: 1, max: 10_000 }),
        expiresAt: fc.option(instant(maxDays), { nil: undefined }),
        inactivity: fc.boolean(),
      }),
    },
    {
      weight: 2,
      arbitrary: fc.record({
        kind: fc.constant("debit" as const),
        share: fc.double({ min: 0, max: 1, noNaN: true }),
      }),
    },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant("expire" as const), at: instant(maxDays) }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant("inactivity" as const) }) },
  );

function checkInvariant(c: Customer, balance: number) {
  expect(c.spent).toBeGreaterThanOrEqual(0);
  expect(sumPoints(c.lots) - c.spent, "balance = Σ lots − spent").toBe(balance);
  expect(new Set(c.lots.map((l) => l.key)).size, "one lot per key").toBe(c.lots.length);
  for (const lot of c.lots) expect(lot.points).toBeGreaterThan(0);
}

/** One lot a day for `days` days, as that many daily credits leave them. */
function daily(days: number, points: number): Customer {
  const lots = Array.from({ length: days }, (_, d) => {
    const expiresAt = new Date(START + d * DAY).toISOString();
    return { key: expiresAt.slice(0, 10), points, expiresAt, rev: d + 1 };
  });
  return { lots, spent: 0 };
}

describe("lots: the points a customer holds, by expiry day, less what was spent", () => {
  it("keep balance = Σ lots − spent; debits take the soonest points, credits never make points expire sooner, expiry takes exactly what is left of the due lots", () => {
    fc.assert(
      fc.property(fc.array(op(400), { maxLength: 150 }), (ops) => {
        let c: Customer = { lots: [], spent: 0 };
        let balance = 0;
        for (const o of ops) {
          const before = c;
          if (o.kind === "credit") {
            c = applyCredit(c, o.points, o.expiresAt, o.inactivity);
            balance += o.points;
            // Nothing left moves to a sooner day: from any day on, the customer holds at least as much.
            for (const key of keysOf(before, c))
              expect(heldFrom(c, key)).toBeGreaterThanOrEqual(heldFrom(before, key));
            expect(sumPoints([...leftByKey(c).values()].map((points) => ({ points })))).toBe(balance);
          } else if (o.kind === "debit") {
            const amount = Math.floor(balance * o.share);
            if (amount === 0) continue;
            c = applyDebit(c, amount);
            balance -= amount;
            // Taken soonest first: what lost points is followed only by lots left whole.
            const lost = keysOf(before).filter((key) => left(c, key) < left(before, key));
            const last = lost.at(-1);
            for (const key of keysOf(before))
              if (last !== undefined && key < last) expect(left(c, key), key).toBe(0);
              else if (last !== undefined && key > last) expect(left(c, key), key).toBe(left(before, key));
            expect(c.lots.length).toBeGreaterThanOrEqual(before.lots.length - MAX_RELEASED_PER_DEBIT);
          } else {
            const expiry = o.kind === "expire" ? applyExpiry(c, new Date(o.at)) : applyInactivity(c);
            const gone = keysOf(before).filter((key) => !expiry.customer.lots.some((l) => l.key === key));
            // What expires is exactly what was left of the lots that leave; every other lot keeps what it had.
            expect(expiry.expired).toBe(gone.reduce((s, key) => s + left(before, key), 0));
            for (const lot of expiry.customer.lots)
              expect(left(expiry.customer, lot.key)).toBe(left(before, lot.key));
            if (o.kind === "expire") {
              expect(expiry.customer.lots.filter(isDue(new Date(o.at)))).toEqual([]);
              expect(gone.every((key) => key !== INACTIVITY && key !== NEVER)).toBe(true);
            } else expect(gone.every((key) => key === INACTIVITY)).toBe(true);
            c = expiry.customer;
            balance -= expiry.expired;
          }
          checkInvariant(c, balance);
        }
      }),
      { numRuns: 300 },
    );
  });

  it("a debit touches at most MAX_RELEASED_PER_DEBIT lots, and charges the rest to spent, whatever the history", () => {
    const c = daily(3_651, 1);
    const all = applyDebit(c, 3_651);
    expect(c.lots.length - all.lots.length).toBe(MAX_RELEASED_PER_DEBIT);
    expect(all.spent).toBe(3_651 - MAX_RELEASED_PER_DEBIT);
    expect([...leftByKey(all).values()].every((points) => points === 0)).toBe(true);
  });

  it("expires 10,000 due lots in chained writes of at most MAX_EXPIRED_PER_WRITE, each charged what was spent first", () => {
    const c = applyDebit(daily(10_000, 2), 5_000); // the first 2,500 days' lots are spent
    const { customer, expired, writes } = applyExpiry(c, new Date(START + 10_000 * DAY));
    expect(customer).toEqual({ lots: [], spent: 0 });
    expect(expired).toBe(15_000);
    expect(writes).toBe(Math.ceil((10_000 - MAX_RELEASED_PER_DEBIT) / MAX_EXPIRED_PER_WRITE));
  });

  it("shifts spent points to a sooner lot credited later: the balance holds, the points live longer", () => {
    let c: Customer = { lots: [], spent: 0 };
    c = applyCredit(c, 10, "2027-01-10T12:00:00.000Z", false);
    c = applyCredit(c, 10, "2027-01-20T12:00:00.000Z", false);
    c = { ...c, spent: 10 }; // a debit of 10 that no lot was released for yet
    c = applyCredit(c, 10, "2027-01-05T12:00:00.000Z", false);
    expect(held(c.lots, c.spent).map((h) => [h.lot.key, h.left])).toEqual([
      ["2027-01-05", 0],
      ["2027-01-10", 10],
      ["2027-01-20", 10],
    ]);
  });

  it("never expire a point earlier than promised: a lot expires at the latest time of its points", () => {
    const lot = { key: "2027-01-05", points: 0, rev: 0 };
    const after = credit(credit(lot, 5, "2027-01-05T17:00:00.000Z"), 3, "2027-01-05T09:00:00.000Z");
    expect(after).toEqual({ key: "2027-01-05", points: 8, expiresAt: "2027-01-05T17:00:00.000Z", rev: 0 });
    expect(isDue(new Date("2027-01-05T12:00:00.000Z"))(after)).toBe(false);
    expect(() => credit(lot, 1, "2027-01-06T01:00:00.000Z")).toThrow(/wrong lot/);
  });

  it("sort dated lots by day, then inactivity, then never: the order spent is charged in", () => {
    const keys = ["never", "2027-12-31", INACTIVITY, "2026-01-01"].map((key) => ({ key }));
    expect(keys.sort(compareLots).map((l) => l.key)).toEqual(["2026-01-01", "2027-12-31", INACTIVITY, NEVER]);
  });
});
