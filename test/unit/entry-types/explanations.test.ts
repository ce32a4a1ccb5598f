import { describe, expect, it } from "vitest";
import {
  ENTRY_TYPE_NAMES,
  explainEntry,
  explainForMember,
  explanationToRecord,
} from "../../../shared/ledger/entry-types.ts";
import type { LedgerEntry } from "../../../shared/model.ts";
import { ENGLISH_WORDS, EXAMPLES, ledgerEntry, TYPES_WITH_EXAMPLES } from "../../fixtures/ledger-entries.ts";

/** A draft as the write pipeline holds it: no id, seq, hash, time or explanation yet. */
function draftOf(entry: LedgerEntry) {
  const { id, merchantId, customerId, seq, balanceAfter, createdAt, prevHash, hash, explanation, ...draft } =
    entry;
  return draft;
}

describe("entry explanations", () => {
  it("have an example of every entry type", () => {
    expect([...TYPES_WITH_EXAMPLES].sort()).toEqual([...ENTRY_TYPE_NAMES].sort());
  });

  describe.each(EXAMPLES)("$name", ({ entry, english, french }) => {
    it("is recorded in English, word for word as its operation wrote it, from the draft alone", () => {
      expect(explanationToRecord(draftOf(entry))).toBe(english);
    });

    it("reads in English from the entry's fields, not its recorded text", () => {
      expect(explainEntry({ ...entry, explanation: "something else" }, "en")).toBe(english);
    });

    it("reads in French, with no English in it", () => {
      const text = explainEntry(entry, "fr");
      expect(text).toBe(french);
      for (const word of ENGLISH_WORDS) expect(text).not.toContain(word);
    });
  });

  it("shows a member the approval of their claim, not how staff credited it", () => {
    const approval = EXAMPLES.find((e) => e.name === "claim approval")?.entry as LedgerEntry;
    expect(explainForMember(approval, "en")).toBe("Claim approved: +15 points");
    expect(explainForMember(approval, "fr")).toBe("Réclamation acceptée : +15 points");
    const credit = EXAMPLES.find((e) => e.name === "manual credit for a past visit")?.entry as LedgerEntry;
    expect(explainForMember(credit, "fr")).toBe(explainEntry(credit, "fr"));
  });

  describe("of entries written before their fields were recorded", () => {
    const old = [
      ledgerEntry({ type: "redemption", points: -100, inputs: { rewardId: "r", redemptionId: "d" } }),
      ledgerEntry({
        type: "refund",
        points: 100,
        inputs: { redemptionId: "d", outcome: "revoked_and_refunded", force: "false" },
      }),
      ledgerEntry({
        type: "reversal",
        points: -11,
        inputs: { amount: "11.70", currency: "EUR", purchaseAmount: "23.40", returnedBefore: "0.00" },
        raw: "11.5",
      }),
      ledgerEntry({ type: "expiry", points: -8, inputs: {} }),
      ledgerEntry({ type: "manual", points: 5, inputs: {} }),
      ledgerEntry({ type: "purchase", points: 5, inputs: {} }),
      ledgerEntry({ type: "visit", points: 10, inputs: {} }),
    ].map((entry) => ({ ...entry, explanation: `recorded ${entry.type}` }));

    it("keep their recorded text in English", () => {
      for (const entry of old) expect(explainEntry(entry, "en")).toBe(`recorded ${entry.type}`);
    });

    it("say in French what they did, never the English text", () => {
      expect(old.map((entry) => explainEntry(entry, "fr"))).toEqual([
        "Échangé contre une récompense : −100 points",
        "Échange annulé, points rendus : +100 points",
        "Achat retourné, points repris : −11 points",
        "Points expirés : −8 points",
        "Ajouté à la main : +5 points",
        "Achat : +5 points",
        "Visite : +10 points",
      ]);
    });

    it("cannot be recorded: a draft without the fields is a bug, not a vague explanation", () => {
      for (const entry of old) expect(() => explanationToRecord(draftOf(entry))).toThrow(entry.type);
    });
  });
});
