import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { localeFromAcceptLanguage } from "../../../shared/html-page.ts";
import { describeRule, explainForMember } from "../../../shared/ledger/entry-types.ts";
import type { LedgerEntry } from "../../../shared/model.ts";
import { PORTAL_CSP, portalPage } from "../../../web/portal/page.ts";
import { PORTAL_SCRIPT } from "../../../web/portal/script.ts";

const inline = (html: string, tag: "script" | "style") =>
  new RegExp(`<${tag}>([\\s\\S]*?)</${tag}>`).exec(html)?.[1] ?? "";
const hashOf = (text: string) => `'sha256-${createHash("sha256").update(text).digest("base64")}'`;

describe("the portal page", () => {
  it("allows exactly its own inline script and style, and nothing else", () => {
    const html = portalPage("fr");
    expect(PORTAL_CSP).toContain(`script-src ${hashOf(inline(html, "script"))}`);
    expect(PORTAL_CSP).toContain(`style-src ${hashOf(inline(html, "style"))}`);
    expect(PORTAL_CSP).toContain("default-src 'none'");
    expect(PORTAL_CSP).toContain("frame-ancestors 'none'");
    expect(html).toMatch(/^<!doctype html>\n<html lang="fr">/);
    expect(portalPage("en")).toContain('<html lang="en">');
  });

  it("has a script that parses, and that labels every form field", () => {
    expect(() => new Function(PORTAL_SCRIPT)).not.toThrow();
    const html = portalPage("en");
    const ids = [...html.matchAll(/<(?:input|select|textarea) id="([^"]+)"/g)].map((m) => m[1]);
    const labelled = [...html.matchAll(/<label for="([^"]+)"/g)].map((m) => m[1]);
    expect(ids.filter((id) => id !== "p-marketing" && !labelled.includes(id))).toEqual([]);
    expect(html).toContain('<label class="check"><input id="p-marketing"');
  });

  it.each([
    ["fr-FR,fr;q=0.9,en;q=0.8", "fr"],
    ["de-DE,en-GB;q=0.7,fr;q=0.5", "en"],
    ["en;q=0.2, fr;q=0.8", "fr"],
    ["fr;q=0, en", "en"],
    ["de", "en"],
    [undefined, "en"],
  ] as const)("reads Accept-Language %s as %s", (header, locale) => {
    expect(localeFromAcceptLanguage(header, "en")).toBe(locale);
  });
});

describe("explanations in the customer's language", () => {
  const purchase = {
    type: "purchase",
    points: 3,
    inputs: { amount: "2.5", currency: "EUR" },
    raw: "≈2.8333",
    rule: { kind: "purchase", currency: "EUR", points: 17, per: "15.00", rounding: "up" },
    explanation: "recorded",
  } as unknown as LedgerEntry;

  it("rebuilds a purchase's arithmetic from the entry in either language", () => {
    expect(explainForMember(purchase, "fr")).toBe(
      "2,50 EUR × 17 points par 15,00 EUR = ≈2,8333, arrondi au supérieur → 3 points",
    );
    expect(explainForMember(purchase, "en")).toBe(
      "2.50 EUR × 17 points per 15.00 EUR = ≈2.8333, rounded up → 3 points",
    );
    const old = { ...purchase, raw: undefined };
    expect(explainForMember(old, "en")).toBe("recorded");
    expect(explainForMember(old, "fr")).toBe("Achat : +3 points");
  });

  it("describes rules in French and English", () => {
    const rule = { kind: "purchase", currency: "EUR", points: 1, per: "1.00", rounding: "nearest" } as const;
    expect(describeRule(rule, "fr")).toBe(
      "1 point par tranche de 1,00 EUR dépensée, arrondi au point le plus proche",
    );
    expect(describeRule(rule, "en")).toBe("1 point per 1.00 EUR spent, rounded to the nearest point");
  });
});
