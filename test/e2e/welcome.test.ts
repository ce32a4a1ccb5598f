import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SentMail } from "../../infra/local/mail-sink.ts";
import { posterPng } from "../../shared/posters/poster-png.ts";
import { readEml } from "../support/mail.ts";
import { asCustomer, tokenOf } from "../support/portal.ts";
import { decodeQrPng } from "../support/qr-decode.ts";
import { startTestStack, type TestStack } from "../support/test-stack.ts";
import { eventually } from "../support/wallet.ts";

/**
 * The Welcome Moment through the whole local stack: enrolment writes it with the membership, the
 * notifications stream sends it (local SES sink), and its links are followed as the member would.
 */

let stack: TestStack;
let alice: string;

beforeAll(async () => {
  stack = await startTestStack({ wallet: true, notifications: true, pollIntervalMs: 50 });
  alice = await stack.token("alice");
});
afterAll(() => stack?.close());

const sink = () => {
  if (!stack.notifications) throw new Error("the stack was started without notifications");
  return stack.notifications.mail;
};

const enrol = (body: Record<string, unknown>, key: string = randomUUID()) =>
  stack.call("POST", "/v1/customers", { token: alice, body, headers: { "idempotency-key": key } });

const address = () => `w-${randomUUID().slice(0, 8)}@example.com`;
const mailsTo = (to: string) => sink().mails.filter((mail) => mail.to.includes(to));
const welcomeTo = (to: string): Promise<SentMail> =>
  sink().waitFor((mail) => mail.to.includes(to) && mail.tags.moment === "welcome", 10_000);

async function welcomeRow(customerId: string, status: string) {
  return eventually(
    async () => {
      const response = await stack.call("GET", `/v1/customers/${customerId}/notifications`, { token: alice });
      expect(response.status).toBe(200);
      return (
        response.body.notifications as { moment: string; status: string; reason: string | null }[]
      ).find((n) => n.moment === "welcome" && n.status === status);
    },
    10_000,
    `welcome ${status}`,
  );
}

/** Every URL of the text part, in order. */
const urlsIn = (text: string) => [...text.matchAll(/https?:\/\/\S+/g)].map((m) => m[0]);

describe("the Welcome e-mail", () => {
  it("is sent once per membership, in the member's language, with links that work", async () => {
    const email = address();
    const key = randomUUID();
    const body = { name: "Léa Petit", email, locale: "fr", marketingConsent: true };
    const enrolled = await enrol(body, key);
    expect(enrolled.status, JSON.stringify(enrolled.body)).toBe(201);
    // The e-mail carries the card: nothing for the staff's app to show.
    expect(enrolled.body.welcome).toBeNull();
    const customerId = enrolled.body.customer.id as string;

    const mail = await welcomeTo(email);
    expect(mail.subject).toBe("Votre carte de fidélité Café Démo");
    const eml = await readEml(mail.file);
    expect(eml.text).toContain("Bonjour Léa Petit,");
    expect(eml.text).toContain("Bienvenue dans le programme de fidélité de Café Démo");
    const [apple, google, portal] = urlsIn(eml.text.split("\n-- \n")[0] ?? "");
    expect(eml.text).toContain(`Ajouter à Apple Wallet : ${apple}`);
    expect(eml.text).toContain(`Enregistrer dans Google Wallet : ${google}`);
    expect(eml.text).toContain(`Votre espace membre : ${portal}`);
    expect(eml.html).toContain(`<a href="${apple?.replace(/&/g, "&#38;")}"`);

    // Add to Apple Wallet: the .pkpass itself.
    const pkpass = await fetch(apple as string);
    expect(pkpass.status).toBe(200);
    expect(pkpass.headers.get("content-type")).toBe("application/vnd.apple.pkpass");
    expect((await pkpass.arrayBuffer()).byteLength).toBeGreaterThan(1000);
    // Save to Google Wallet: Google's save link, a signed JWT.
    expect(google).toMatch(/^https:\/\/pay\.google\.com\/gp\/v\/save\/[\w-]+\.[\w-]+\.[\w-]+$/);
    // The portal: its page, and the member's own data with the link's token.
    expect(portal).toMatch(new RegExp(`^${stack.baseUrl}/portal#t=`));
    const page = await fetch((portal as string).split("#")[0] as string);
    expect(page.status).toBe(200);
    expect(page.headers.get("content-type")).toContain("text/html");
    const me = await asCustomer(stack, tokenOf(portal as string), "GET", "/v1/me");
    expect(me.status).toBe(200);
    expect(me.body.customer.id).toBe(customerId);

    // A retry of the enrolment replays it and writes nothing: still one welcome.
    const replay = await enrol(body, key);
    expect(replay.headers.get("idempotent-replayed")).toBe("true");
    await welcomeRow(customerId, "sent");
    // The stream has had time to deliver anything else the replay could have caused.
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(mailsTo(email).filter((m) => m.tags.moment === "welcome")).toHaveLength(1);
    const rows = (await stack.call("GET", `/v1/customers/${customerId}/notifications`, { token: alice })).body
      .notifications as { moment: string }[];
    expect(rows.filter((n) => n.moment === "welcome")).toHaveLength(1);
  });

  it("is in English for an English member, with the unsubscribe link of a Moment sent on marketing consent", async () => {
    const email = address();
    const enrolled = await enrol({ name: "Sam Jones", email, locale: "en", marketingConsent: true });
    expect(enrolled.status).toBe(201);
    const mail = await welcomeTo(email);
    expect(mail.subject).toBe("Your Café Démo loyalty card");
    const eml = await readEml(mail.file);
    expect(eml.text).toContain("Welcome to Café Démo's loyalty programme");
    expect(eml.text).toMatch(/Add to Apple Wallet: http/);
    // Staff enrolments ask no card consent: marketing consent decides, so the e-mail is optional.
    expect(mail.headers["List-Unsubscribe"]).toMatch(/^<http.*\/v1\/unsubscribe\/.+>$/);
  });

  it("is not sent without consent, and the staff's app gets the QR code instead", async () => {
    const email = address();
    const enrolled = await enrol({ name: "No Mail", email, locale: "en" });
    expect(enrolled.status).toBe(201);
    expect(enrolled.body.welcome).toMatchObject({ url: expect.stringContaining("/portal#t=") });
    const row = await welcomeRow(enrolled.body.customer.id, "skipped");
    expect(row.reason).toBe("no_channel");
    expect(mailsTo(email)).toEqual([]);
  });

  it("is not sent when the merchant switched it off", async () => {
    const off = await stack.call("PATCH", "/v1/settings", {
      token: alice,
      body: { moments: { welcome: false } },
    });
    expect(off.status).toBe(200);
    expect(off.body.settings.moments.welcome).toBe(false);
    try {
      const email = address();
      const enrolled = await enrol({ name: "Switched Off", email, locale: "fr", marketingConsent: true });
      expect(enrolled.status).toBe(201);
      // No e-mail will carry the card: the staff's app shows it.
      expect(enrolled.body.welcome).not.toBeNull();
      const row = await welcomeRow(enrolled.body.customer.id, "skipped");
      expect(row.reason).toBe("switched_off");
      expect(mailsTo(email)).toEqual([]);
    } finally {
      const on = await stack.call("PATCH", "/v1/settings", {
        token: alice,
        body: { moments: { welcome: true } },
      });
      expect(on.status).toBe(200);
    }
  });
});

describe("a member with only a phone", () => {
  it("gets their portal link back for the staff's app, as a QR code that scans to it", async () => {
    const phone = `06 ${String(Math.floor(Math.random() * 1e8))
      .padStart(8, "0")
      .replace(/(\d\d)(?=\d)/g, "$1 ")}`;
    const enrolled = await enrol({ name: "Phone Only", phone, locale: "fr" });
    expect(enrolled.status, JSON.stringify(enrolled.body)).toBe(201);
    const { url, qrSvg } = enrolled.body.welcome as { url: string; qrSvg: string };
    expect(url).toMatch(new RegExp(`^${stack.baseUrl}/portal#t=`));
    const me = await asCustomer(stack, tokenOf(url), "GET", "/v1/me");
    expect(me.status).toBe(200);
    expect(me.body.customer.id).toBe(enrolled.body.customer.id);
    // What the portal's buttons add to the phone scanning the QR code: the card itself.
    expect(me.body.wallet.googleWalletUrl).toMatch(/^https:\/\/pay\.google\.com\/gp\/v\/save\//);
    const pkpass = await fetch(me.body.wallet.appleWalletUrl as string);
    expect(pkpass.status).toBe(200);
    expect(pkpass.headers.get("content-type")).toBe("application/vnd.apple.pkpass");
    // The SVG as a screen shows it, read by a phone's camera.
    expect(qrSvg).toMatch(/^<svg [^>]*xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
    expect(decodeQrPng(await posterPng(qrSvg))).toBe(url);
    await welcomeRow(enrolled.body.customer.id, "skipped");
  });
});
