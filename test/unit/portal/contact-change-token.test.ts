import { describe, expect, it } from "vitest";
import { confirmationEmail, confirmationSms } from "../../../shared/portal/contact-change-message.ts";
import {
  confirmationUrl,
  formatToken,
  newSecret,
  parseToken,
  secretHash,
  secretMatches,
} from "../../../shared/portal/contact-change-token.ts";

describe("contact change confirmation tokens", () => {
  const secret = newSecret();
  const token = { merchantId: "demo", customerId: "cus_01ABC", field: "email" as const, secret };

  it("round-trips, names the pending change, and keeps only a hash of the secret", () => {
    const text = formatToken(token);
    expect(text).toBe(`demo.cus_01ABC.e.${secret}`);
    expect(parseToken(text)).toEqual(token);
    expect(parseToken(formatToken({ ...token, field: "phone" }))?.field).toBe("phone");
    expect(secretMatches(secret, secretHash(secret))).toBe(true);
    expect(secretMatches(newSecret(), secretHash(secret))).toBe(false);
    expect(secretMatches(secret, undefined)).toBe(false);
    expect(secretMatches(secret, "abc")).toBe(false);
    expect(secretHash(secret)).not.toContain(secret);
  });

  it("has 192 random bits", () => {
    expect(secret).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(new Set(Array.from({ length: 50 }, newSecret)).size).toBe(50);
  });

  it("refuses anything that cannot be one", () => {
    for (const bad of [
      "",
      "demo.cus_01ABC.e",
      `demo.cus_01ABC.x.${secret}`,
      `demo.cus_01ABC.e.${secret}.extra`,
      `de mo.cus_01ABC.e.${secret}`,
      `demo.cus_01ABC.e.${secret.slice(1)}`,
      `demo..e.${secret}`,
    ]) {
      expect(parseToken(bad), bad).toBeUndefined();
    }
  });

  it("travels in the portal link's fragment, out of server logs", () => {
    expect(confirmationUrl("https://api.example.test/", "a.b.e.c")).toBe(
      "https://api.example.test/portal#confirm=a.b.e.c",
    );
  });
});

describe("the message to the new address", () => {
  const context = {
    locale: "en" as const,
    merchantName: `Tom & Jerry's <Café>`,
    link: "https://api.example.test/portal#confirm=a.b.e.c",
    validHours: 24,
  };

  it("carries the link and escapes the shop's name in HTML", () => {
    const email = confirmationEmail(context);
    expect(email.subject).toBe("Confirm your email address for Tom & Jerry's <Café>");
    expect(email.text).toContain(context.link);
    expect(email.html).toContain(`<a href="${context.link}">`);
    expect(email.html).toContain("Tom &#38; Jerry&#39;s &#60;Café&#62;");
    expect(email.html).not.toContain("<Café>");
    expect(confirmationEmail({ ...context, locale: "fr" }).subject).toMatch(/^Confirmez/);
    expect(confirmationSms(context)).toContain(context.link);
    expect(confirmationSms({ ...context, locale: "fr" })).toMatch(/valable 24 h/);
  });
});
