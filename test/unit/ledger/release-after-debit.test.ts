import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  debit,
  held,
  type Lot,
  MAX_EXPIRED_PER_WRITE,
  MAX_RELEASE_WRITES_AFTER_DEBIT,
  MAX_RELEASED_PER_DEBIT,
  release,
  sumPoints,
} from "../../../shared/ledger/lots.ts";

/**
 * A debit and the release writes the pipeline chains after it (shared/pipeline/ledger-write.ts): what each
 * lot holds, the balance, and Σ lots − spent stay as the debit left them, and no lot spent in full is left at
 * the front for a reader of "what expires when" to walk, up to the chain's cap.
 */

const lotsArb = fc.array(fc.integer({ min: 1, max: 5 }), { minLength: 0, maxLength: 400 }).map((sizes) =>
  sizes.map(
    (points, i): Lot => ({
      key: new Date(Date.UTC(2027, 0, 1) + i * 86_400_000).toISOString().slice(0, 10),
      points,
      rev: i + 1,
    }),
  ),
);

interface State {
  lots: Lot[];
  spent: number;
}

/** The debit's own write, then the chained releases, each reading MAX_EXPIRED_PER_WRITE lots from the front. */
function debitAndRelease(state: State, amount: number): { state: State; writes: number } {
  const first = debit(state.lots.slice(0, MAX_RELEASED_PER_DEBIT), state.spent, amount);
  let lots = state.lots.filter((l) => !first.released.includes(l));
  let spent = first.spentAfter;
  let writes = 0;
  if (first.released.length === MAX_RELEASED_PER_DEBIT) {
    while (writes < MAX_RELEASE_WRITES_AFTER_DEBIT) {
      const step = release(lots.slice(0, MAX_EXPIRED_PER_WRITE), spent, MAX_EXPIRED_PER_WRITE);
      if (step.released.length === 0) break;
      writes++;
      expect(step.released.length).toBeLessThanOrEqual(MAX_EXPIRED_PER_WRITE);
      lots = lots.filter((l) => !step.released.includes(l));
      spent = step.spentAfter;
      if (step.released.length < MAX_EXPIRED_PER_WRITE) break;
    }
  }
  return { state: { lots, spent }, writes };
}

describe("lots spent in full by a debit leave in chained writes", () => {
  it("keep what every lot holds and the balance, and leave no spent lot at the front", () => {
    fc.assert(
      fc.property(
        lotsArb,
        fc.nat({ max: 50 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (lots, spent0, share) => {
          const spentBefore = Math.min(spent0, sumPoints(lots));
          const balance = sumPoints(lots) - spentBefore;
          fc.pre(balance > 0);
          const amount = Math.max(1, Math.floor(balance * share));
          const { state } = debitAndRelease({ lots, spent: spentBefore }, amount);
          expect(sumPoints(state.lots) - state.spent).toBe(balance - amount);
          expect(state.spent).toBeGreaterThanOrEqual(0);
          // What is left of each remaining lot is what the debit alone left of it.
          const leftByKey = new Map(held(lots, spentBefore + amount).map((h) => [h.lot.key, h.left]));
          for (const h of held(state.lots, state.spent)) expect(h.left).toBe(leftByKey.get(h.lot.key));
          // 400 lots fit under the chain's cap: the first lot stored holds points, if any lot does.
          const front = held(state.lots, state.spent)[0];
          if (front) expect(front.left).toBeGreaterThan(0);
        },
      ),
      { numRuns: 300 },
    );
  });

  it("stop at the cap, leaving the rest charged for the next debit", () => {
    const many = MAX_RELEASED_PER_DEBIT + MAX_RELEASE_WRITES_AFTER_DEBIT * MAX_EXPIRED_PER_WRITE + 30;
    const lots = Array.from(
      { length: many + 5 },
      (_, i): Lot => ({ key: `2027-${String(i).padStart(6, "0")}`, points: 1, rev: i + 1 }),
    );
    const { state, writes } = debitAndRelease({ lots, spent: 0 }, many);
    expect(writes).toBe(MAX_RELEASE_WRITES_AFTER_DEBIT);
    expect(state.lots).toHaveLength(35);
    expect(state.spent).toBe(30);
    // The next debit goes on from there.
    const next = debitAndRelease(state, 1);
    expect(next.state.lots).toHaveLength(4);
    expect(next.state.spent).toBe(0);
  });
});
