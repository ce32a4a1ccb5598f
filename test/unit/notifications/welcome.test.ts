import { describe, expect, it } from "vitest";
import { outboxNotification } from "../../../shared/notifications/moments.ts";
import { type MessageContext, renderEmail } from "../../../shared/notifications/templates.ts";
import {
  emailConsent,
  type MemberLinks,
  welcomeByEmail,
  welcomeDedupeKey,
  welcomeOutbox,
} from "../../../shared/notifications/welcome.ts";

const links = {
  appleWalletUrl: "https://api.example/v1/passes/p1/apple.pkpass?expires=1&sig=a&b",
  googleWalletUrl: "https://pay.google.com/gp/v/save/x.y.z",
  portalUrl: "https://api.example/portal#t=abc",
};
const context = (locale: "fr" | "en", withLinks: MemberLinks = links): MessageContext => ({
  locale,
  merchantName: "Café Démo",
  customerName: "Léa",
  balance: 0,
  links: withLinks,
});

describe("the Welcome Moment", () => {
  it("is keyed on the membership, so one customer has one welcome whatever retried", () => {
    const item = welcomeOutbox("cus_1", "2026-03-01T10:00:00.000Z");
    expect(item).toEqual({
      moment: "welcome",
      dedupeKey: welcomeDedupeKey("cus_1"),
      data: {},
      createdAt: "2026-03-01T10:00:00.000Z",
    });
    expect(welcomeDedupeKey("cus_1")).not.toBe(welcomeDedupeKey("cus_2"));
    const notification = outboxNotification({ merchantId: "m", customerId: "cus_1", ...item });
    expect(notification).toMatchObject({ dedupeKey: "welcome:cus_1", facts: { moment: "welcome" } });
  });

  it("goes by the card consent the join page asks, else by marketing consent, as every other Moment", () => {
    // Joined by themselves: the card consent decides, and the e-mail is the one they asked for.
    expect(emailConsent("welcome", { marketingConsent: false, transactionalConsent: true })).toEqual({
      consented: true,
      optional: false,
    });
    expect(emailConsent("welcome", { marketingConsent: true, transactionalConsent: false }).consented).toBe(
      false,
    );
    // Enrolled by staff (not asked): marketing consent, and an unsubscribe link with it.
    expect(emailConsent("welcome", { marketingConsent: true })).toEqual({ consented: true, optional: true });
    expect(emailConsent("welcome", { marketingConsent: false }).consented).toBe(false);
    // Other Moments never go by the card consent.
    expect(emailConsent("points_earned", { marketingConsent: false, transactionalConsent: true })).toEqual({
      consented: false,
      optional: true,
    });
  });

  it("tells enrolment whether the e-mail carries the card, or the staff's app must show it", () => {
    const member = { email: "lea@example.com", marketingConsent: true };
    expect(welcomeByEmail({}, member)).toBe(true);
    expect(welcomeByEmail({ moments: { welcome: false } }, member)).toBe(false);
    expect(welcomeByEmail({}, { marketingConsent: true })).toBe(false);
    expect(welcomeByEmail({}, { ...member, marketingConsent: false })).toBe(false);
    expect(welcomeByEmail({}, { ...member, marketingConsent: false, transactionalConsent: true })).toBe(true);
  });

  it("links the card and the portal, labelled in the member's language, as text and as anchors", () => {
    const fr = renderEmail({ moment: "welcome" }, context("fr"));
    expect(fr.subject).toBe("Votre carte de fidélité Café Démo");
    expect(fr.text).toContain(`Ajouter à Apple Wallet : ${links.appleWalletUrl}`);
    expect(fr.text).toContain(`Enregistrer dans Google Wallet : ${links.googleWalletUrl}`);
    expect(fr.text).toContain(`Votre espace membre : ${links.portalUrl}`);
    expect(fr.html).toContain(
      '<a href="https://api.example/v1/passes/p1/apple.pkpass?expires=1&#38;sig=a&#38;b" style="color:#0b57d0;font-weight:bold">Ajouter à Apple Wallet</a>',
    );
    const en = renderEmail({ moment: "welcome" }, context("en"));
    expect(en.subject).toBe("Your Café Démo loyalty card");
    expect(en.text).toContain(`Add to Apple Wallet: ${links.appleWalletUrl}`);
    expect(en.text).toContain(`Save to Google Wallet: ${links.googleWalletUrl}`);
    expect(en.text).toContain(`Your member space: ${links.portalUrl}`);
    // The sign-off comes after the links.
    expect(en.text.indexOf("— Café Démo")).toBeGreaterThan(en.text.indexOf(links.portalUrl));
  });

  it("leaves out the wallet a deployment does not have, never the portal", () => {
    const email = renderEmail(
      { moment: "welcome" },
      context("en", { ...links, appleWalletUrl: null, googleWalletUrl: null }),
    );
    expect(email.text).not.toContain("Apple Wallet:");
    expect(email.text).not.toContain("Google Wallet:");
    expect(email.text).toContain(`Your member space: ${links.portalUrl}`);
  });
});
