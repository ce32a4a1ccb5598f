import { describe, expect, it } from "vitest";
import { buildPassFields, type PassField } from "../../../passes/apple/pass-fields.ts";
import { applePassView } from "../../fixtures/passes/apple-pass-view.ts";

function byKey(fields: PassField[]): Record<string, PassField> {
  return Object.fromEntries(fields.map((field) => [field.key, field]));
}

describe("buildPassFields", () => {
  it("shows progress towards the next reward", () => {
    const { secondaryFields } = buildPassFields(applePassView({ balance: 80 }));

    expect(byKey(secondaryFields).nextReward).toEqual({
      key: "nextReward",
      label: "Next reward",
      value: "80 / 100 pts to Free coffee",
    });
  });

  it.each([
    ["en", 100, "Reward available: Free coffee"],
    ["fr", 120, "Récompense disponible : Free coffee"],
  ] as const)("says a reward is available in %s once the balance covers it", (locale, balance, value) => {
    const { secondaryFields } = buildPassFields(applePassView({ locale, balance }));

    expect(byKey(secondaryFields).nextReward?.value).toBe(value);
  });

  it("localises labels and sentences in French", () => {
    const fields = buildPassFields(
      applePassView({ locale: "fr", balance: 1500, nextReward: { name: "Café", cost: 2000 } }),
    );

    expect(byKey(fields.secondaryFields).member?.label).toBe("Membre");
    expect(byKey(fields.secondaryFields).nextReward?.value).toBe("1\u202f500 / 2\u202f000 pts pour Café");
    expect(byKey(fields.auxiliaryFields).expiry).toEqual({
      key: "expiry",
      label: "Points qui expirent",
      value: "50 pts expirent le 31 déc.",
    });
    expect(byKey(fields.backFields).howPointsWork?.label).toBe("Comment fonctionnent les points");
  });

  it.each([
    ["en", 50, "50 pts expire on 31 Dec"],
    ["en", 1, "1 pt expires on 31 Dec"],
    ["fr", 1, "1 pt expire le 31 déc."],
  ] as const)("writes expiring points in %s (%i)", (locale, points, value) => {
    const { auxiliaryFields } = buildPassFields(
      applePassView({ locale, nextExpiry: { points, date: "2026-12-31" } }),
    );

    expect(byKey(auxiliaryFields).expiry?.value).toBe(value);
  });

  it("writes the expiry year only when it is not the year of the last update", () => {
    const { auxiliaryFields } = buildPassFields(
      applePassView({ nextExpiry: { points: 50, date: "2027-01-31" }, updatedAt: "2026-11-07T09:00:00Z" }),
    );

    expect(byKey(auxiliaryFields).expiry?.value).toBe("50 pts expire on 31 Jan 2027");
  });

  it("omits reward and expiry fields the view does not have", () => {
    const fields = buildPassFields(applePassView({ nextReward: undefined, nextExpiry: undefined }));

    expect(fields.secondaryFields.map((field) => field.key)).toEqual(["member"]);
    expect(fields.auxiliaryFields).toEqual([]);
  });

  it("keeps the five most recent entries, newest first, whatever the input order", () => {
    const view = applePassView();
    const { backFields } = buildPassFields({
      ...view,
      recentEntries: [...view.recentEntries].reverse().slice(2).concat(view.recentEntries.slice(-2)),
    });
    const entries = backFields.filter((field) => field.key.startsWith("entry"));

    expect(entries).toEqual([
      { key: "entry1", label: "7 Nov 2026", value: "+25 pts · Purchase 7" },
      { key: "entry2", label: "6 Nov 2026", value: "+25 pts · Purchase 6" },
      { key: "entry3", label: "5 Nov 2026", value: "+20 pts · Purchase 5" },
      { key: "entry4", label: "4 Nov 2026", value: "-20 pts · Redeemed: Croissant" },
      { key: "entry5", label: "3 Nov 2026", value: "+10 pts · Purchase 3" },
    ]);
  });

  it("dates entries in the merchant's time zone", () => {
    const view = applePassView({
      recentEntries: [{ createdAt: "2026-11-07T23:30:00Z", points: 5, explanation: "Late purchase" }],
    });

    expect(byKey(buildPassFields(view).backFields).entry1?.label).toBe("7 Nov 2026");
    expect(byKey(buildPassFields(view, "Europe/Paris").backFields).entry1?.label).toBe("8 Nov 2026");
  });

  it("lists contact details, the portal link and the last update on the back", () => {
    const { backFields } = buildPassFields(applePassView({ updatedAt: "2026-11-07T09:00:00.123Z" }));
    const back = byKey(backFields);

    expect(back.phone?.value).toBe("+33 1 23 45 67 89");
    expect(back.email?.value).toBe("hello@cafe-lumiere.example");
    expect(back.website?.value).toBe("https://cafe-lumiere.example");
    expect(back.portal).toEqual({
      key: "portal",
      label: "Your account",
      value: "https://members.example/cards/01JD0000000000000000000001",
      attributedValue:
        '<a href="https://members.example/cards/01JD0000000000000000000001">Open my account</a>',
    });
    // Wallet rejects a pass whose date has fractional seconds.
    expect(back.updatedAt).toMatchObject({ value: "2026-11-07T09:00:00Z", dateStyle: "PKDateStyleMedium" });
  });

  it("escapes the portal URL inside the link markup", () => {
    const { backFields } = buildPassFields(applePassView({ portalUrl: 'https://m.example/?a=1&b="2"' }));

    expect(byKey(backFields).portal?.attributedValue).toBe(
      '<a href="https://m.example/?a=1&#38;b=&#34;2&#34;">Open my account</a>',
    );
  });

  it("gives every field a distinct key", () => {
    const fields = buildPassFields(applePassView());
    const keys = Object.values(fields).flatMap((group: PassField[]) => group.map((field) => field.key));

    expect(new Set(keys).size).toBe(keys.length);
  });

  it.each([
    ["balance", { balance: 10.5 }],
    ["nextReward.cost", { nextReward: { name: "Tea", cost: Number.NaN } }],
    ["updatedAt", { updatedAt: "yesterday" }],
    ["nextExpiry.date", { nextExpiry: { points: 5, date: "31/12/2026" } }],
  ])("refuses an invalid %s", (name, overrides) => {
    expect(() => buildPassFields(applePassView(overrides))).toThrow(name);
  });
});
