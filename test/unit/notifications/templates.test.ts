import { describe, expect, it } from "vitest";
import type { LedgerEntry } from "../../../shared/model.ts";
import type { MomentFacts } from "../../../shared/notifications/moments.ts";
import { MOMENTS } from "../../../shared/notifications/outbox.ts";
import {
  type MessageContext,
  renderEmail,
  renderWalletMessage,
} from "../../../shared/notifications/templates.ts";

const purchase: LedgerEntry = {
  id: "txn_1",
  merchantId: "m",
  customerId: "c",
  seq: 3,
  type: "purchase",
  points: 23,
  balanceAfter: 1234,
  inputs: { amount: "23.40", currency: "EUR" },
  rule: { kind: "purchase", currency: "EUR", points: 1, per: "1.00", rounding: "down" },
  raw: "23.4",
  explanation: "23.40 EUR × 1 point per 1.00 EUR = 23.4, rounded down → 23 points",
  createdAt: "2026-03-01T10:00:00.000Z",
  prevHash: "0".repeat(64),
  hash: "1".repeat(64),
};

const context = (locale: "fr" | "en"): MessageContext => ({
  locale,
  merchantName: "Café Démo",
  customerName: "Camille <Martin>",
  balance: 80,
});

/** One example of each Moment. */
const EXAMPLES: Record<(typeof MOMENTS)[number], MomentFacts[]> = {
  points_earned: [{ moment: "points_earned", entry: purchase }],
  points_added: [
    {
      moment: "points_added",
      entry: { ...purchase, type: "manual", points: 5, balanceAfter: 85, reason: "goodwill" },
    },
  ],
  reward_unlocked: [
    {
      moment: "reward_unlocked",
      entry: { ...purchase, balanceAfter: 160 },
      rewards: [
        { name: "Espresso", points: 100 },
        { name: "Croissant", points: 150 },
      ],
    },
  ],
  points_expiring: [
    { moment: "points_expiring", points: 50, expiresAt: "2027-12-31T10:00:00.000Z" },
    { moment: "points_expiring", expiresAt: "2027-12-31T10:00:00.000Z" },
  ],
  points_expired: [
    {
      moment: "points_expired",
      entry: {
        ...purchase,
        type: "expiry",
        points: -50,
        balanceAfter: 30,
        explanation: "50 points expired on 2027-12-31",
      },
    },
  ],
  redemption_refunded: [
    {
      moment: "redemption_refunded",
      entry: { ...purchase, type: "refund", points: 100, balanceAfter: 180 },
      rewardName: "Espresso",
    },
  ],
  claim_decided: [
    {
      moment: "claim_decided",
      approved: true,
      entry: { ...purchase, type: "manual", points: 15, refs: { claimId: "clm_1" } },
    },
    { moment: "claim_decided", approved: false, reason: "No visit that day" },
  ],
  welcome: [{ moment: "welcome" }],
  tier_reached: [
    {
      moment: "tier_reached",
      entry: {
        ...purchase,
        type: "tier_change",
        points: 0,
        rule: undefined,
        raw: undefined,
        inputs: {
          direction: "promotion",
          from: "Silver",
          to: "Gold",
          qualifying: "1520",
          threshold: "1500",
          firstMonth: "2026-01",
          lastMonth: "2026-12",
          cause: "earn",
        },
      },
    },
  ],
};

describe("email templates", () => {
  it("have every Moment in French and in English, with a subject, a text and an HTML body", () => {
    for (const moment of MOMENTS) {
      for (const facts of EXAMPLES[moment]) {
        for (const locale of ["fr", "en"] as const) {
          const email = renderEmail(facts, context(locale));
          expect(email.subject.length, `${moment} ${locale}`).toBeGreaterThan(5);
          expect(email.text).toContain(
            locale === "fr" ? "Bonjour Camille <Martin>," : "Hello Camille <Martin>,",
          );
          expect(email.html).toContain(`<html lang="${locale}">`);
          expect(email.text).toContain("Café Démo");
        }
      }
    }
  });

  it("write the numbers in the customer's language: points, balance, the explanation", () => {
    const [earned] = EXAMPLES.points_earned as [MomentFacts];
    const fr = renderEmail(earned, context("fr"));
    expect(fr.subject).toBe("Vous avez gagné 23 points chez Café Démo");
    expect(fr.text).toContain(
      "Calcul : 23,40 EUR × 1 point par 1,00 EUR = 23,4, arrondi à l'inférieur → 23 points",
    );
    expect(fr.text).toContain("Votre solde : 1\u202f234 points.");
    const en = renderEmail(earned, context("en"));
    expect(en.subject).toBe("You earned 23 points at Café Démo");
    expect(en.text).toContain(
      "How they were counted: 23.40 EUR × 1 point per 1.00 EUR = 23.4, rounded down → 23 points",
    );
    expect(en.text).toContain("Your balance: 1,234 points.");
  });

  it("date reminders, and name the balance itself when all of it expires", () => {
    const [batch, whole] = EXAMPLES.points_expiring as [MomentFacts, MomentFacts];
    expect(renderEmail(batch, context("fr")).subject).toBe("50 points expireront le 31 décembre 2027");
    expect(renderEmail(batch, context("en")).subject).toBe("50 points will expire on 31 December 2027");
    expect(renderEmail(whole, context("en")).text).toContain(
      "Your whole balance, 80 points, will expire on 31 December 2027",
    );
    expect(renderEmail(whole, context("fr")).text).toContain(
      "La totalité de votre solde, 80 points, expirera le 31 décembre 2027",
    );
  });

  it("agree in number in French (1 point expirera, 2 points expireront)", () => {
    expect(
      renderEmail({ moment: "points_expiring", points: 1, expiresAt: "2027-12-31T10:00:00Z" }, context("fr"))
        .subject,
    ).toBe("1 point expirera le 31 décembre 2027");
  });

  it("name the reward reached, the dearest first, and the reason of a rejected claim", () => {
    const [unlocked] = EXAMPLES.reward_unlocked as [MomentFacts];
    expect(renderEmail(unlocked, context("en")).subject).toBe("You can now get Croissant");
    expect(renderEmail(unlocked, context("en")).text).toContain("Also within reach: Espresso.");
    const rejected = EXAMPLES.claim_decided[1] as MomentFacts;
    expect(renderEmail(rejected, context("fr")).text).toContain("Motif : No visit that day");
    expect(renderEmail(rejected, context("en")).text).toContain("Reason: No visit that day");
  });

  it("escape what people typed in the HTML body", () => {
    const [earned] = EXAMPLES.points_earned as [MomentFacts];
    const { html } = renderEmail(earned, context("en"));
    expect(html).toContain("Hello Camille &#60;Martin&#62;,");
    expect(html).not.toContain("<Martin>");
  });

  it("give the wallet a header and one sentence", () => {
    const [batch] = EXAMPLES.points_expiring as [MomentFacts];
    expect(renderWalletMessage(batch, context("en"))).toEqual({
      header: "50 points will expire on 31 December 2027",
      body: "50 points on your card will expire on 31 December 2027. Use them before then.",
    });
  });
});
