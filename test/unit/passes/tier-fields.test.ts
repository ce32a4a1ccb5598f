import { describe, expect, it } from "vitest";
import { buildPassFields, type PassField } from "../../../passes/apple/pass-fields.ts";
import {
  applePassViewOf,
  googleObjectPatch,
  type MemberPassContent,
  memberTiers,
} from "../../../passes/member-pass.ts";
import { passChangeOf } from "../../../passes/pass-changes.ts";
import { tierProgressLines } from "../../../passes/tier-text.ts";
import type { Locale } from "../../../shared/ledger/entry-types.ts";
import type { Program } from "../../../shared/model.ts";
import { profileSk } from "../../../shared/store/customers/profile.ts";
import { tierProgressIn } from "../../../shared/tiers/progress.ts";
import type { TierState } from "../../../shared/tiers/qualify.ts";
import type { TierSettings } from "../../../shared/tiers/settings.ts";
import { applePassView } from "../../fixtures/passes/apple-pass-view.ts";
import { memberPassContent, PROGRAMS } from "../../fixtures/passes/member-pass-content.ts";

const TIERS: TierSettings = {
  window: { kind: "rolling", months: 12 },
  levels: [
    { name: "Bronze", threshold: 0, multiplier: "1" },
    { name: "Silver", threshold: 500, multiplier: "1.25" },
    { name: "Gold", threshold: 1500, multiplier: "1.5" },
  ],
};
const NOW = new Date("2027-03-10T09:00:00Z");
const tiered: Program = { ...PROGRAMS.paris, tiers: TIERS };

/** Gold since June, with 500 of its 1,680 points leaving the window on 1 April: 320 more keep it. */
const GOLD: TierState = {
  tier: "Gold",
  since: "2026-06-10T09:00:00.000Z",
  buckets: { "2026-04": 500, "2026-06": 1180 },
  reviewAt: "2027-04-01T00:00:00.000Z",
};
const BRONZE: TierState = { tier: "Bronze", since: "2026-06-10T09:00:00.000Z", buckets: { "2027-02": 320 } };

/** Pass content as loadMemberPassContent builds it: the standing computed the way GET /v1/me does. */
function contentWith(locale: Locale, standings: Record<string, TierState>, programs = [tiered]) {
  const base = memberPassContent({ locale, programs });
  const customer = { ...base.customer, tiers: standings };
  const tiers = memberTiers(programs, customer, NOW);
  return { ...base, customer, ...(tiers.length > 0 ? { tiers } : {}) } satisfies MemberPassContent;
}

const byKey = (fields: PassField[]) => Object.fromEntries(fields.map((field) => [field.key, field]));
const fieldsOf = (content: MemberPassContent) => buildPassFields(applePassViewOf(content, NOW.toISOString()));

describe("the tier's progress text", () => {
  it.each([
    ["en", "320 more points by 31 Mar to stay Gold"],
    ["fr", "Encore 320 points d'ici le 31 mars pour rester Gold"],
  ] as const)("says what keeps the top level until its review (%s)", (locale, text) => {
    const [gold] = tierProgressIn(
      [tiered],
      { ...memberPassContent().customer, tiers: { prog_paris: GOLD } },
      NOW,
    );
    expect(gold).toMatchObject({ tier: "Gold", next: null, keptUntil: "2027-03-31", pointsToKeep: 320 });
    expect(tierProgressLines(gold as NonNullable<typeof gold>, locale, 2027)).toEqual([text]);
  });

  it.each([
    ["en", "180 points to Silver"],
    ["fr", "Encore 180 points pour devenir Silver"],
  ] as const)("says what the next level needs when climbing from the first (%s)", (locale, text) => {
    const [bronze] = tierProgressIn(
      [tiered],
      { ...memberPassContent().customer, tiers: { prog_paris: BRONZE } },
      NOW,
    );
    expect(bronze).toMatchObject({
      tier: "Bronze",
      keptUntil: null,
      next: { tier: "Silver", pointsNeeded: 180 },
    });
    expect(tierProgressLines(bronze as NonNullable<typeof bronze>, locale, 2027)).toEqual([text]);
  });

  it("gives both lines in the middle, keeping first, writes the year unless it is the current one, and one point singular", () => {
    const silver = {
      tier: "Silver",
      next: { tier: "Gold", threshold: 1500, pointsNeeded: 1 },
      keptUntil: "2028-01-31",
      pointsToKeep: 1,
    };
    expect(tierProgressLines(silver, "en", 2027)).toEqual([
      "1 more point by 31 Jan 2028 to stay Silver",
      "1 point to Gold",
    ]);
    expect(tierProgressLines(silver, "fr")).toEqual([
      "Encore 1 point d'ici le 31 janv. 2028 pour rester Silver",
      "Encore 1 point pour devenir Gold",
    ]);
    expect(tierProgressLines({ ...silver, pointsToKeep: 0, next: null }, "en", 2028)).toEqual([
      "Silver until 31 Jan",
    ]);
  });

  it("says nothing at a single first level, which is never lost and has nothing above it", () => {
    expect(tierProgressLines({ tier: "Member", next: null, keptUntil: null, pointsToKeep: 0 }, "en")).toEqual(
      [],
    );
  });
});

describe("the tier on the Apple pass", () => {
  it.each([
    ["en", "Tier", "You are now %@", "Your tier", "320 more points by 31 Mar to stay Gold"],
    [
      "fr",
      "Niveau",
      "Vous êtes maintenant %@",
      "Votre niveau",
      "Encore 320 points d'ici le 31 mars pour rester Gold",
    ],
  ] as const)(
    "shows the level with a lock-screen message, and the progress on the back (%s)",
    (locale, label, message, backLabel, text) => {
      const fields = fieldsOf(contentWith(locale, { prog_paris: GOLD }));
      expect(fields.auxiliaryFields[0]).toEqual({
        key: "tier",
        label,
        value: "Gold",
        changeMessage: message,
      });
      expect(fields.backFields[0]).toEqual({ key: "tierProgress1", label: backLabel, value: text });
    },
  );

  it("shows nothing of tiers when the merchant has none, or the program's tiers were removed", () => {
    for (const content of [memberPassContent(), contentWith("en", { prog_paris: GOLD }, [PROGRAMS.paris])]) {
      const fields = fieldsOf(content);
      const keys = [...fields.auxiliaryFields, ...fields.backFields].map((field) => field.key);
      expect(keys.filter((key) => key.startsWith("tier"))).toEqual([]);
    }
  });

  it("names each program when the member has standings in several, the first one's level on the front", () => {
    const lyon: Program = { ...PROGRAMS.lyon, tiers: TIERS };
    const fields = fieldsOf(contentWith("en", { prog_paris: GOLD, prog_lyon: BRONZE }, [tiered, lyon]));
    expect(byKey(fields.auxiliaryFields).tier).toMatchObject({ label: "Tier · Lyon", value: "Bronze" });
    expect(byKey(fields.backFields).tierProgress1).toMatchObject({
      label: "Your tier · Lyon",
      value: "180 points to Silver",
    });
    expect(byKey(fields.backFields).tierProgress2).toMatchObject({
      label: "Your tier · Paris",
      value: "320 more points by 31 Mar to stay Gold",
    });
  });

  it("keeps its other fields where they were", () => {
    const fields = buildPassFields(
      applePassView({ tiers: [{ tier: "Gold", next: null, keptUntil: null, pointsToKeep: 0 }] }),
    );
    expect(fields.auxiliaryFields.map((field) => field.key)).toEqual(["tier", "expiry"]);
    expect(fields.primaryFields[0]?.changeMessage).toBe("You now have %@ points");
  });
});

describe("the tier on the Google object", () => {
  it.each([
    ["en", "Tier", "Your tier", "320 more points by 31 Mar 2027 to stay Gold"],
    ["fr", "Niveau", "Votre niveau", "Encore 320 points d'ici le 31 mars 2027 pour rester Gold"],
  ] as const)(
    "shows the level beside the balance and the progress as a text module (%s)",
    (locale, label, header, body) => {
      const patch = googleObjectPatch(contentWith(locale, { prog_paris: GOLD }));
      expect(patch.secondaryLoyaltyPoints).toEqual({ label, balance: { string: "Gold" } });
      expect(patch.textModulesData?.[0]).toEqual({ id: "tier1", header, body });
    },
  );

  it("has no tier without tiers", () => {
    const patch = googleObjectPatch(memberPassContent());
    expect(patch.secondaryLoyaltyPoints).toBeUndefined();
    expect(patch.textModulesData?.some((module) => module.id?.startsWith("tier"))).toBe(false);
  });
});

describe("which profile changes are a tier change", () => {
  const standing = (tier: string, points: number) => ({
    M: {
      tier: { S: tier },
      since: { S: "2026-06-10T09:00:00.000Z" },
      buckets: { M: { "2027-03": { N: String(points) } } },
    },
  });
  const profile = (tiers: Record<string, unknown> | undefined, extra: Record<string, unknown> = {}) => ({
    pk: { S: "CUST#mer_1#cus_1" },
    sk: { S: profileSk() },
    id: { S: "cus_1" },
    merchantId: { S: "mer_1" },
    passSerial: { S: "pass_1" },
    balance: { N: "10" },
    seq: { N: "3" },
    ...(tiers ? { tiers: { M: tiers } } : {}),
    ...extra,
  });
  const modify = (before: ReturnType<typeof profile>, after: ReturnType<typeof profile>) =>
    passChangeOf({
      eventName: "MODIFY",
      dynamodb: {
        Keys: { pk: before.pk, sk: before.sk },
        OldImage: before as never,
        NewImage: after as never,
        SequenceNumber: "000000000000000000101",
      },
    });

  it("is a displayed change that notifies when the level held changes, even with the balance unchanged", () => {
    const change = modify(
      profile({ prog_paris: standing("Gold", 1680) }),
      profile({ prog_paris: standing("Silver", 1180) }),
    );
    expect(change).toMatchObject({
      displayChanged: true,
      balanceChanged: false,
      tierChanged: true,
      erased: false,
    });
    // A first standing: from no level to one.
    expect(modify(profile(undefined), profile({ prog_paris: standing("Bronze", 5) }))?.tierChanged).toBe(
      true,
    );
  });

  it("is a displayed change without notification when only the qualifying points move", () => {
    const change = modify(
      profile({ prog_paris: standing("Gold", 1600) }),
      profile({ prog_paris: standing("Gold", 1680) }),
    );
    expect(change).toMatchObject({ displayChanged: true, tierChanged: false });
  });

  it("carries the erasure from the new image", () => {
    const change = modify(
      profile(undefined),
      profile(undefined, { erasedAt: { S: "2027-03-10T09:00:00Z" } }),
    );
    expect(change).toMatchObject({ displayChanged: true, erased: true });
  });
});
