import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  type Bucket,
  bucketKeyOf,
  compareBuckets,
  credit,
  isDue,
  MAX_BUCKETS_PER_WRITE,
  spend,
  totalPoints,
} from "../../../shared/ledger/lots.ts";

/** Buckets as a customer's table holds them, updated the way the write pipeline does. */
function applyCredit(buckets: Bucket[], points: number, expiresAt: string | undefined): Bucket[] {
  const key = bucketKeyOf(expiresAt);
  const bucket = buckets.find((b) => b.key === key) ?? { key, lots: [], rev: 0 };
  return [...buckets.filter((b) => b.key !== key), credit(bucket, points, expiresAt)].sort(compareBuckets);
}

function applySpend(buckets: Bucket[], amount: number, only?: Parameters<typeof spend>[2]): Bucket[] {
  const { changed } = spend(buckets, amount, only);
  return buckets
    .map((b) => changed.find((c) => c.key === b.key) ?? b)
    .filter((b) => b.lots.length > 0)
    .sort(compareBuckets);
}

const START = Date.parse("2026-01-01T00:00:00.000Z");
const DAY = 86_400_000;
const instant = fc.integer({ min: 0, max: 3_650 * DAY }).map((ms) => new Date(START + ms).toISOString());

type Op =
  | { kind: "credit"; points: number; expiresAt: string | undefined }
  | { kind: "spend"; share: number }
  | { kind: "expire"; at: string };

const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({
    kind: fc.constant("credit" as const),
    points: fc.integer({ min: 1, max: 10_000 }),
    expiresAt: fc.option(instant, { nil: undefined }),
  }),
  fc.record({ kind: fc.constant("spend" as const), share: fc.double({ min: 0, max: 1, noNaN: true }) }),
  fc.record({ kind: fc.constant("expire" as const), at: instant }),
);

describe("lots: the points a customer holds, by expiry day", () => {
  it("hold exactly what was credited less what was spent or expired, soonest-expiring spent first", () => {
    fc.assert(
      fc.property(fc.array(op, { maxLength: 200 }), (ops) => {
        let buckets: Bucket[] = [];
        let held = 0;
        for (const o of ops) {
          if (o.kind === "credit") {
            buckets = applyCredit(buckets, o.points, o.expiresAt);
            held += o.points;
          } else if (o.kind === "spend") {
            const amount = Math.floor(held * o.share);
            const { taken } = spend(buckets, amount);
            const remaining = applySpend(buckets, amount).flatMap((b) => b.lots);
            // Soonest first: nothing left expires before the latest lot something was taken from.
            const lastTaken = taken.at(-1);
            if (lastTaken) {
              for (const lot of remaining)
                expect(compareDays(lot.day, lastTaken.day)).toBeGreaterThanOrEqual(0);
            }
            buckets = applySpend(buckets, amount);
            held -= amount;
          } else {
            const due = buckets.flatMap((b) => b.lots).filter(isDue(new Date(o.at)));
            const points = due.reduce((s, l) => s + l.points, 0);
            buckets = applySpend(buckets, points, isDue(new Date(o.at)));
            held -= points;
            expect(buckets.flatMap((b) => b.lots).filter(isDue(new Date(o.at)))).toEqual([]);
          }
          expect(totalPoints(buckets)).toBe(held);
          for (const bucket of buckets) {
            expect(bucket.lots.length).toBeGreaterThan(0);
            // Bounded: one lot per day, and a bucket spans one quarter (92 days at most).
            expect(bucket.lots.length).toBeLessThanOrEqual(92);
            expect(new Set(bucket.lots.map((l) => l.day)).size).toBe(bucket.lots.length);
            for (const lot of bucket.lots) {
              expect(lot.points).toBeGreaterThan(0);
              expect(bucketKeyOf(lot.expiresAt)).toBe(bucket.key);
            }
          }
        }
      }),
      { numRuns: 300 },
    );
  });

  it("never expire a point earlier than promised: a lot expires at the latest time of its points", () => {
    const bucket = { key: "2027-1", lots: [], rev: 0 };
    const after = credit(credit(bucket, 5, "2027-01-05T17:00:00.000Z"), 3, "2027-01-05T09:00:00.000Z");
    expect(after.lots).toEqual([{ day: "2027-01-05", points: 8, expiresAt: "2027-01-05T17:00:00.000Z" }]);
    expect(isDue(new Date("2027-01-05T12:00:00.000Z"))(after.lots[0] as never)).toBe(false);
  });

  it("refuse a debit the lots cannot cover instead of dropping the difference", () => {
    const buckets = [credit({ key: "never", lots: [], rev: 0 }, 10, undefined)];
    expect(() => spend(buckets, 11)).toThrow(/balance and lots disagree/);
    expect(() => spend(buckets, 10, () => false)).toThrow(/balance and lots disagree/);
  });

  it("spend a balance of any history in a bounded number of buckets: 10 years of daily lots fit", () => {
    let buckets: Bucket[] = [];
    for (let d = 0; d < 3_651; d++)
      buckets = applyCredit(buckets, 1, new Date(START + d * DAY).toISOString());
    expect(buckets.length).toBeLessThanOrEqual(41);
    const { changed } = spend(buckets, 3_651);
    expect(changed.length).toBeLessThanOrEqual(MAX_BUCKETS_PER_WRITE);
    expect(totalPoints(changed)).toBe(0);
  });
});

const compareDays = (a: string, b: string) =>
  a === b ? 0 : a === "never" ? 1 : b === "never" ? -1 : a < b ? -1 : 1;
