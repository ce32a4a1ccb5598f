import { describe, expect, expectTypeOf, it } from "vitest";
import { ACTIVITY_TYPES, matchesFilters } from "../../../shared/activity/filters.ts";
import {
  activityTypesOf,
  ENTRY_TYPE_NAMES,
  ENTRY_TYPES,
  type EntryTypeInfo,
  entryMoment,
  entryTypesListedUnder,
  isCredit,
  recordsVisit,
  WORDINGS,
} from "../../../shared/ledger/entry-types.ts";
import type { Wording } from "../../../shared/ledger/explain/wording.ts";
import type { EntryType, LedgerEntry } from "../../../shared/model.ts";
import { activityClassesListedUnder, activityClassOf } from "../../../shared/store/db/activity-keys.ts";
import { ledgerEntry } from "../../fixtures/ledger-entries.ts";

const entry = (type: EntryType, points: number, fields: Partial<LedgerEntry> = {}) =>
  ledgerEntry({ type, points, ...fields });

describe("the entry-type registry", () => {
  it("has a row for every entry type, and every language has words for each", () => {
    const all: Record<EntryType, true> = {
      purchase: true,
      visit: true,
      manual: true,
      redemption: true,
      refund: true,
      reversal: true,
      expiry: true,
      tier_change: true,
      tier_reward: true,
      import: true,
      referral_reward: true,
      referral_reversal: true,
    };
    expect([...ENTRY_TYPE_NAMES].sort()).toEqual(Object.keys(all).sort());
    for (const words of Object.values(WORDINGS)) {
      expect(Object.keys(words.summary).sort()).toEqual(Object.keys(all).sort());
    }
  });

  it("fails to compile when a type or a field is missing", () => {
    // A new entry type without its row:
    // @ts-expect-error Property 'gift' is missing
    const withGift: Record<EntryType | "gift", EntryTypeInfo> = ENTRY_TYPES;
    // A row without its explanation:
    // @ts-expect-error Property 'explain' is missing
    const row: EntryTypeInfo = {
      activity: {},
      direction: "credit",
      recordsVisit: "never",
      moment: () => undefined,
    };
    // A language without the words of one type:
    const { expiry: _, ...partial } = WORDINGS.fr;
    // @ts-expect-error Property 'expiry' is missing
    const words: Wording = partial;
    expect([withGift, row, words]).toHaveLength(3);
    expectTypeOf(ENTRY_TYPES).toExtend<Record<EntryType, EntryTypeInfo>>();
  });

  it("files each entry under its activity filters; hand adjustments count as issued only when they give points", () => {
    expect(activityTypesOf(entry("purchase", 23))).toEqual(["issued"]);
    expect(activityTypesOf(entry("visit", 10))).toEqual(["issued"]);
    expect(activityTypesOf(entry("manual", 5)).sort()).toEqual(["issued", "manual"]);
    expect(activityTypesOf(entry("manual", -5))).toEqual(["manual"]);
    expect(activityTypesOf(entry("redemption", -100))).toEqual(["redeemed"]);
    expect(activityTypesOf(entry("refund", 100))).toEqual(["refunded"]);
    expect(activityTypesOf(entry("reversal", -11))).toEqual(["reversed"]);
    expect(activityTypesOf(entry("expiry", -50))).toEqual(["expired"]);
    for (const activity of ACTIVITY_TYPES) {
      const listed = entryTypesListedUnder(activity);
      expect(listed.always.length + listed.credit.length, activity).toBeGreaterThan(0);
    }
  });

  it("filters and indexes entries as the registry's classes say", () => {
    const issued = { types: ["issued"] as const };
    expect(matchesFilters(issued, entry("purchase", 12))).toBe(true);
    expect(matchesFilters(issued, entry("manual", 5))).toBe(true);
    expect(matchesFilters(issued, entry("manual", -5))).toBe(false);
    expect(matchesFilters(issued, entry("expiry", -5))).toBe(false);
    const rare = { types: ["manual", "expired"] as const, staffId: "alice" };
    expect(matchesFilters(rare, entry("expiry", -5, { staffId: "alice" }))).toBe(true);
    expect(matchesFilters(rare, entry("expiry", -5, { staffId: "bob" }))).toBe(false);
    // The class index holds each filter's entries in whole partitions: a manual credit is under "issued".
    expect(activityClassesListedUnder("issued").sort()).toEqual([
      "manual.credit",
      "purchase",
      "referral_reward",
      "tier_reward",
      "visit",
    ]);
    expect(activityClassesListedUnder("manual").sort()).toEqual(["manual.credit", "manual.debit"]);
    for (const activity of ACTIVITY_TYPES) {
      for (const sample of [
        entry("purchase", 3),
        entry("manual", 5),
        entry("manual", -5),
        entry("expiry", -1),
      ]) {
        expect(activityClassesListedUnder(activity).includes(activityClassOf(sample)), activity).toBe(
          matchesFilters({ types: [activity] }, sample),
        );
      }
    }
  });

  it("says which entries are credits", () => {
    expect(isCredit(entry("purchase", 23))).toBe(true);
    expect(isCredit(entry("purchase", 0))).toBe(false);
    expect(isCredit(entry("manual", 5))).toBe(true);
    expect(isCredit(entry("manual", -5))).toBe(false);
    expect(isCredit(entry("refund", 100))).toBe(true);
    for (const type of ["redemption", "reversal", "expiry"] as const)
      expect(isCredit(entry(type, -1))).toBe(false);
  });

  it("says which credits stand for a visit a claim could be about", () => {
    expect(recordsVisit(entry("purchase", 23))).toBe(true);
    expect(recordsVisit(entry("visit", 10))).toBe(true);
    expect(recordsVisit(entry("manual", 5, { reason: "missed_scan" }))).toBe(true);
    expect(recordsVisit(entry("manual", 5, { reason: "wrong_amount" }))).toBe(true);
    expect(recordsVisit(entry("manual", 5, { reason: "goodwill" }))).toBe(false);
    expect(recordsVisit(entry("manual", -5, { reason: "missed_scan" }))).toBe(false);
    expect(recordsVisit(entry("refund", 100))).toBe(false);
  });

  it("gives each entry its Moment", () => {
    expect(entryMoment(entry("purchase", 23))).toBe("points_earned");
    expect(entryMoment(entry("purchase", 0))).toBeUndefined();
    expect(entryMoment(entry("visit", 10))).toBe("points_earned");
    expect(entryMoment(entry("manual", 5))).toBe("points_added");
    expect(entryMoment(entry("manual", 5, { refs: { claimId: "clm_1" } }))).toBe("claim_decided");
    expect(entryMoment(entry("manual", -5))).toBeUndefined();
    expect(entryMoment(entry("refund", 100))).toBe("redemption_refunded");
    expect(entryMoment(entry("expiry", -50))).toBe("points_expired");
    expect(entryMoment(entry("redemption", -100))).toBeUndefined();
    expect(entryMoment(entry("reversal", -11))).toBeUndefined();
  });
});
