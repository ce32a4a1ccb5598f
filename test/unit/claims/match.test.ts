import { describe, expect, it } from "vitest";
import { type Earning, MATCH_WINDOW_MS, matchClaim } from "../../../shared/claims/match.ts";
import type { LedgerEntry } from "../../../shared/model.ts";

const AT = "2026-03-10T15:00:00.000Z";
const shift = (ms: number) => new Date(Date.parse(AT) + ms).toISOString();

let seq = 0;
function entry(fields: Partial<LedgerEntry>): LedgerEntry {
  seq += 1;
  return {
    id: `txn_${seq}`,
    merchantId: "m",
    customerId: "c",
    seq,
    type: "purchase",
    points: 10,
    balanceAfter: 0,
    inputs: {},
    explanation: "",
    createdAt: AT,
    prevHash: "",
    hash: "",
    ...fields,
  };
}

const paris = (amount: string, at = AT, points = Math.floor(Number(amount))) =>
  entry({ locationId: "paris", inputs: { amount, currency: "EUR" }, points, createdAt: at });
const earning: Earning = {
  points: 23,
  explanation: "23.40 EUR → 23 points",
  programId: "p",
  programVersion: 2,
};
const claim = { occurredAt: AT, locationId: "paris", amount: "23.40" };

describe("matching a claim", () => {
  it("is already credited by a purchase of the same amount (however it is written) at that location", () => {
    const credited = paris("23.4", shift(-MATCH_WINDOW_MS));
    const match = matchClaim(claim, [paris("5.00"), credited], earning);
    expect(match).toEqual({
      outcome: "already_credited",
      entry: expect.objectContaining({ id: credited.id, amount: "23.4", at: shift(-MATCH_WINDOW_MS) }),
    });
  });

  it("is already credited by a hand credit made for that visit, but not by a goodwill gesture", () => {
    const handCredit = entry({
      type: "manual",
      reason: "missed_scan",
      locationId: "paris",
      occurredAt: shift(600_000),
      createdAt: shift(86_400_000),
    });
    expect(matchClaim(claim, [handCredit], earning).outcome).toBe("already_credited");
    const goodwill = entry({ type: "manual", reason: "goodwill", locationId: "paris" });
    expect(matchClaim(claim, [goodwill], earning)).toEqual({ outcome: "no_match", proposal: earning });
  });

  it("names the closest entry when several fall in the window", () => {
    const far = paris("23.40", shift(-3 * 3600_000));
    const near = paris("23.40", shift(20 * 60_000));
    expect(matchClaim(claim, [far, near], earning).entry?.id).toBe(near.id);
  });

  it("sees another amount credited there then, and proposes only the difference", () => {
    const match = matchClaim(claim, [paris("5.00")], earning);
    expect(match).toMatchObject({
      outcome: "amount_differs",
      proposal: { points: 18, explanation: "23.40 EUR → 23 points, less 5 already credited → 18 points" },
    });
    // Nothing is left to propose when the credited purchase earned as much or more.
    expect(matchClaim(claim, [paris("30.00")], earning)).toEqual({
      outcome: "amount_differs",
      entry: expect.objectContaining({ amount: "30.00" }),
    });
  });

  it("sees the visit scanned at another location, preferring the one with the claimed amount", () => {
    const lyonVisit = entry({ type: "visit", locationId: "lyon", points: 10, createdAt: shift(-60_000) });
    const lyonPurchase = entry({
      locationId: "lyon",
      inputs: { amount: "23.40" },
      points: 2,
      createdAt: shift(-3600_000),
    });
    expect(matchClaim(claim, [lyonVisit, lyonPurchase], earning)).toMatchObject({
      outcome: "other_location",
      entry: { id: lyonPurchase.id, locationId: "lyon" },
      proposal: { points: 21 },
    });
    expect(matchClaim({ ...claim, amount: undefined }, [lyonVisit], undefined)).toEqual({
      outcome: "other_location",
      entry: expect.objectContaining({ id: lyonVisit.id }),
    });
  });

  it("finds nothing outside the window, nor in debits, and proposes the rule's points", () => {
    const late = paris("23.40", shift(MATCH_WINDOW_MS + 1));
    const redemption = entry({ type: "redemption", points: -23, locationId: "paris" });
    expect(matchClaim(claim, [late, redemption], earning)).toEqual({
      outcome: "no_match",
      proposal: earning,
    });
    expect(matchClaim(claim, [], undefined)).toEqual({ outcome: "no_match" });
  });
});
