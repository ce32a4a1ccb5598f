import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ensureDevCertificates } from "../../../infra/local/dev-certificates.ts";
import { createApplePassRenderer, type PassCertificates } from "../../../passes/apple/render-pass.ts";
import {
  applePassViewOf,
  googleIds,
  googleLoyaltyObject,
  type MemberPassContent,
} from "../../../passes/member-pass.ts";
import type { Customer, LedgerEntry, Merchant, Program, Reward } from "../../../shared/model.ts";
import { entryNotifications, type MomentFacts } from "../../../shared/notifications/moments.ts";
import { MOMENTS } from "../../../shared/notifications/outbox.ts";
import { renderEmail, renderWalletMessage } from "../../../shared/notifications/templates.ts";
import { ENGLISH_WORDS, EXAMPLES, PER_EURO, PER_VISIT } from "../../fixtures/ledger-entries.ts";
import { removeUnzippedPasses, unzipPkpass } from "../passes/apple-pkpass-tools.ts";

/** Issue 12: a French member reads French everywhere, explanations and rules included; an English one English. */

const merchant: Merchant = {
  id: "m",
  name: "Café Lumière",
  country: "FR",
  currency: "EUR",
  createdAt: "2026-01-01T00:00:00Z",
};

const customer = (locale: Customer["locale"]): Customer => ({
  merchantId: "m",
  id: "c",
  name: "Camille Martin",
  email: "camille@example.com",
  locale,
  marketingConsent: false,
  barcode: "LW-CAMILLE",
  passSerial: "01JD0000000000000000000001",
  passToken: "tok_3f9a1c7e5b2d4a6c8e0f",
  balance: 180,
  seq: 40,
  headHash: "1".repeat(64),
  lastVisits: {},
  createdAt: "2026-01-01T00:00:00Z",
  updatedAt: "2026-01-01T00:00:00Z",
});

const program = (id: string, name: string, rule: Program["rule"]): Program => ({
  merchantId: "m",
  id,
  name,
  version: 1,
  rule,
  updatedAt: "2026-01-01T00:00:00Z",
});

const programs = [program("paris", "Paris", PER_EURO), program("lyon", "Lyon", PER_VISIT)];

const rewards: Reward[] = [
  {
    merchantId: "m",
    id: "rwd_1",
    programId: "paris",
    name: "Café offert",
    points: 200,
    discount: { kind: "free_product", product: "Espresso" },
    issuer: "internal",
    status: "active",
    createdAt: "2026-01-01T00:00:00Z",
    updatedAt: "2026-01-01T00:00:00Z",
  },
];

const entries: LedgerEntry[] = EXAMPLES.map((example) => example.entry);
const chunks = (size: number) =>
  Array.from({ length: Math.ceil(entries.length / size) }, (_, i) => entries.slice(i * size, (i + 1) * size));

function content(locale: Customer["locale"], recentEntries: LedgerEntry[]): MemberPassContent {
  return {
    customer: customer(locale),
    merchant,
    programs,
    rewards,
    recentEntries,
    nextExpiry: { points: 50, date: "2026-12-31" },
    portalUrl: "https://api.example/portal#t=abc",
  };
}

/** Every string anywhere in a JSON value. */
function strings(value: unknown): string[] {
  if (typeof value === "string") return [value];
  if (Array.isArray(value)) return value.flatMap(strings);
  if (value && typeof value === "object") return Object.values(value).flatMap(strings);
  return [];
}

function expectNoEnglish(texts: string[], where: string) {
  for (const text of texts) {
    for (const word of ENGLISH_WORDS) expect(text, `${where}: ${text}`).not.toContain(word);
  }
}

let workDir: string;
let certificates: PassCertificates;

beforeAll(async () => {
  workDir = await mkdtemp(join(tmpdir(), "french-member-"));
  certificates = await ensureDevCertificates(workDir, {
    passTypeIdentifier: "pass.com.example.loyalty",
    teamIdentifier: "ABCDE12345",
  });
});

afterAll(async () => {
  await removeUnzippedPasses();
  await rm(workDir, { recursive: true, force: true });
});

async function passJsonOf(locale: Customer["locale"], recent: LedgerEntry[]) {
  const renderer = createApplePassRenderer({
    certificates,
    passTypeIdentifier: "pass.com.example.loyalty",
    teamIdentifier: "ABCDE12345",
    webServiceURL: "https://api.example/apple",
  });
  const view = applePassViewOf(content(locale, recent), "2026-11-07T09:00:00Z");
  return (await unzipPkpass((await renderer.render(view)).pkpass)).passJson;
}

describe("a French member", () => {
  it("has an Apple pass whose every field is French: history, rules, labels", async () => {
    for (const recent of chunks(5)) {
      const passJson = await passJsonOf("fr", recent);
      const fields = strings(passJson.storeCard);
      expectNoEnglish([...fields, String(passJson.description)], "pass.json");
      const howPointsWork = passJson.storeCard.backFields?.find((f) => f.key === "howPointsWork");
      expect(howPointsWork?.value).toBe(
        "Paris: 1 point par tranche de 1,00 EUR dépensée, arrondi à l'inférieur\nLyon: 10 points par visite (au plus une visite toutes les 60 minutes)",
      );
      // The history is each entry's French explanation.
      const history = passJson.storeCard.backFields?.filter((f) => String(f.key).startsWith("entry"));
      expect(history?.length).toBe(recent.length);
    }
  });

  it("has a Google loyalty object in French, with the newest entry and the rules", () => {
    for (const recent of chunks(1)) {
      const object = googleLoyaltyObject(
        content("fr", recent),
        googleIds("3388", "m", "01JD0000000000000000000001"),
      );
      expectNoEnglish(strings(object), "Google object");
      const modules = Object.fromEntries((object.textModulesData ?? []).map((m) => [m.id, m]));
      expect(modules.howPointsWork?.header).toBe("Comment fonctionnent les points");
      expect(modules.howPointsWork?.body).toContain("10 points par visite");
      expect(modules.lastEntry?.header).toBe("Dernière opération");
    }
    const object = googleLoyaltyObject(content("fr", entries.slice(0, 1)), googleIds("3388", "m", "s"));
    expect(object.textModulesData?.find((m) => m.id === "lastEntry")?.body).toBe(
      "+23 pts · 23,40 EUR × 1 point par 1,00 EUR = 23,4, arrondi à l'inférieur → 23 points",
    );
  });

  it("gets e-mails and wallet messages with no English, for every Moment an entry causes", () => {
    const seen = new Set<string>();
    const facts: MomentFacts[] = [
      ...entries.flatMap((entry) => entryNotifications(entry, { rewards }).map((n) => n.facts)),
      { moment: "points_expiring", points: 50, expiresAt: "2027-12-31T10:00:00.000Z" },
      { moment: "points_expiring", expiresAt: "2027-12-31T10:00:00.000Z" },
      { moment: "claim_decided", approved: false, reason: "Aucun passage ce jour-là" },
      { moment: "welcome" },
    ];
    for (const fact of facts) {
      seen.add(fact.moment);
      const context = {
        locale: "fr" as const,
        merchantName: merchant.name,
        customerName: "Camille",
        balance: 180,
        links: {
          appleWalletUrl: "https://api.example/v1/passes/p/apple.pkpass",
          googleWalletUrl: "https://pay.google.com/gp/v/save/jwt",
          portalUrl: "https://api.example/portal#t=x",
        },
      };
      const email = renderEmail(fact, context);
      const wallet = renderWalletMessage(fact, context);
      expectNoEnglish([email.subject, email.text, email.html, wallet.header, wallet.body], fact.moment);
    }
    expect([...seen].sort()).toEqual([...MOMENTS].sort());
  });
});

describe("an English member", () => {
  it("has the Apple pass in English, with the explanations as recorded", async () => {
    const recent = entries.slice(0, 5);
    const passJson = await passJsonOf("en", recent);
    const values = (passJson.storeCard.backFields ?? []).map((f) => String(f.value));
    for (const entry of recent) expect(values.some((value) => value.endsWith(entry.explanation))).toBe(true);
    expect(values).toContain(
      "Paris: 1 point per 1.00 EUR spent, rounded down\nLyon: 10 points per visit (at most one visit every 60 minutes)",
    );
  });

  it("has the Google object in English", () => {
    const object = googleLoyaltyObject(content("en", entries.slice(0, 1)), googleIds("3388", "m", "s"));
    const modules = Object.fromEntries((object.textModulesData ?? []).map((m) => [m.id, m.body]));
    expect(modules.lastEntry).toBe(
      "+23 pts · 23.40 EUR × 1 point per 1.00 EUR = 23.4, rounded down → 23 points",
    );
    expect(modules.howPointsWork).toContain("Lyon: 10 points per visit");
  });
});
