import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import type { JoinPageFacts } from "../../../shared/customers/join-merchant.ts";
import { joinNotFoundPage, joinPage } from "../../../web/join/page.ts";
import { brandColours, contrastRatio, parseRgb } from "../../../web/join/theme.ts";

const facts = (overrides: Partial<JoinPageFacts> = {}): JoinPageFacts => ({
  merchantId: "demo",
  locale: "fr",
  name: "Café Démo",
  branding: {},
  locations: [{ id: "paris-01", name: "Paris 01", rule: "1 point par 1,00 EUR" }],
  location: null,
  ...overrides,
});

const sha256 = (text: string) => `'sha256-${createHash("sha256").update(text).digest("base64")}'`;
const inline = (html: string, tag: "style" | "script") =>
  [...html.matchAll(new RegExp(`<${tag}>([\\s\\S]*?)</${tag}>`, "g"))].map((m) => m[1] ?? "");

describe("the join page's colours", () => {
  it("keeps the merchant's text colour when it reads on their background", () => {
    expect(
      brandColours({ backgroundColor: "rgb(32, 44, 57)", foregroundColor: "rgb(255, 250, 240)" }),
    ).toEqual({
      background: "rgb(32, 44, 57)",
      text: "rgb(255, 250, 240)",
    });
  });

  it("replaces a text colour below 4.5:1 with black or white, whichever reads better", () => {
    const dark = brandColours({ backgroundColor: "rgb(120, 20, 40)", foregroundColor: "rgb(150, 60, 80)" });
    expect(dark.text).toBe("rgb(255, 255, 255)");
    const light = brandColours({
      backgroundColor: "rgb(250, 220, 90)",
      foregroundColor: "rgb(255, 255, 255)",
    });
    expect(light.text).toBe("rgb(0, 0, 0)");
    for (const colours of [dark, light]) {
      const [bg, fg] = [parseRgb(colours.background), parseRgb(colours.text)];
      expect(contrastRatio(bg ?? [0, 0, 0], fg ?? [0, 0, 0])).toBeGreaterThanOrEqual(4.5);
    }
  });

  it("never passes anything but parsed numbers into the stylesheet", () => {
    expect(parseRgb("rgb(1, 2, 3); } body { display: none")).toBeUndefined();
    expect(parseRgb("rgb(256, 0, 0)")).toBeUndefined();
    expect(brandColours({ backgroundColor: "red" }).background).toBe("rgb(31, 95, 191)");
  });
});

describe("the join page", () => {
  it("allows by hash exactly the script and the styles it carries, and nothing external", () => {
    for (const view of ["join", "card"] as const) {
      const page = joinPage(facts({ branding: { backgroundColor: "rgb(120, 20, 40)" } }), "fr", view);
      const styles = inline(page.html, "style");
      const scripts = inline(page.html, "script");
      expect(styles).toHaveLength(2);
      expect(scripts).toHaveLength(1);
      expect(page.csp).toContain(`style-src ${styles.map(sha256).join(" ")};`);
      expect(page.csp).toContain(`script-src ${sha256(scripts[0] ?? "")};`);
      expect(page.csp).toMatch(/^default-src 'none';/);
      expect(page.csp).toContain("connect-src 'self'");
      expect(page.html).not.toMatch(/(src|href)="https?:/);
    }
  });

  it("escapes what the merchant wrote and drops a logo that is not base64", () => {
    const page = joinPage(
      facts({
        name: '<img src=x onerror="alert(1)">',
        branding: { logoPngBase64: '"><script>alert(1)</script>', termsUrl: 'https://t.example/?a="b"' },
        locations: [{ id: "p", name: "<b>Shop</b>", rule: "1 & 2" }],
      }),
      "en",
      "join",
    );
    expect(page.html).not.toContain("<img src=x");
    expect(page.html).toContain("&#60;img src=x onerror=&#34;alert(1)&#34;&#62;");
    expect(page.html).not.toContain("<script>alert(1)");
    expect(page.html).not.toContain('<img class="logo"');
    expect(page.html).toContain('href="https://t.example/?a=&#34;b&#34;"');
    expect(page.html).toContain("&#60;b&#62;Shop&#60;/b&#62;");
  });

  it("shows the link's location alone, and carries it through the language switch and into the form", () => {
    const location = { id: "lyon-01", name: "Lyon 01", rule: "10 points par visite" };
    const page = joinPage(facts({ locations: [location], location }), "fr", "join");
    expect(page.html).toContain('data-location="lyon-01"');
    expect(page.html).toContain('href="/join/demo?lang=en&#38;location=lyon-01"');
    expect(page.html).toContain("Lyon 01</strong>\u202f: 10 points par visite");
  });

  it("has a not-found page that names no merchant and runs no script", () => {
    const page = joinNotFoundPage("en");
    expect(page.html).toContain("Programme not found");
    expect(inline(page.html, "script")).toEqual([]);
    expect(page.csp).not.toContain("script-src");
  });
});
