import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type LocalMailSink, startLocalMailSink } from "../../../infra/local/mail-sink.ts";
import { createSesMailer, type Mailer } from "../../../shared/notifications/mailer.ts";
import type { MomentFacts } from "../../../shared/notifications/moments.ts";
import { renderEmail } from "../../../shared/notifications/templates.ts";
import { confirmationEmail } from "../../../shared/portal/contact-change-message.ts";
import { readEml } from "../../support/mail.ts";

/**
 * Moment e-mails are optional (sent only with marketingConsent), so each carries the RFC 2369 / RFC 8058
 * one-click headers and a visible opt-out link; a contact confirmation, which the recipient asked for,
 * carries neither. Checked on the .eml the local SES sink writes from the real SendEmail request.
 */

const URL = "https://api.example/v1/unsubscribe/tok.en.sig";
const expiring: MomentFacts = {
  moment: "points_expiring",
  points: 50,
  expiresAt: "2027-12-01T10:00:00.000Z",
};
const context = (locale: "fr" | "en") => ({
  locale,
  merchantName: "Café Démo",
  customerName: "Camille",
  balance: 80,
});

let dir: string;
let sink: LocalMailSink;
let mailer: Mailer;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "unsubscribe-headers-"));
  sink = await startLocalMailSink({ dir });
  mailer = createSesMailer({
    fromAddress: "loyalty@localhost",
    endpoint: sink.endpoint,
    region: "eu-west-3",
    maxAttempts: 1,
  });
});
afterAll(async () => {
  await sink?.close();
  await rm(dir, { recursive: true, force: true });
});

async function sent(email: Parameters<Mailer["send"]>[0]) {
  const { messageId } = await mailer.send(email);
  const mail = sink.mails.find((m) => m.messageId === messageId);
  if (!mail) throw new Error("the sink got no mail");
  return readEml(mail.file);
}

describe("List-Unsubscribe", () => {
  it("is on a Moment e-mail, with one-click POST, and the body links to the same URL", async () => {
    const eml = await sent({
      to: "camille@example.com",
      fromName: "Café Démo",
      ...renderEmail(expiring, context("en"), URL),
      tags: { moment: "points_expiring" },
      unsubscribeUrl: URL,
    });
    expect(eml.headers["list-unsubscribe"]).toBe(`<${URL}>`);
    expect(eml.headers["list-unsubscribe-post"]).toBe("List-Unsubscribe=One-Click");
    expect(eml.text).toContain(`Stop these emails: ${URL}`);
    expect(eml.html).toContain(`<a href="${URL}"`);
  });

  it("is not on a transactional message (a contact confirmation)", async () => {
    const eml = await sent({
      to: "new@example.com",
      fromName: "Café Démo",
      ...confirmationEmail({
        locale: "en",
        merchantName: "Café Démo",
        link: "https://api.example/portal#confirm=x",
        validHours: 24,
      }),
      tags: {},
    });
    expect(eml.subject).toMatch(/Confirm your email address/);
    expect(eml.headers["list-unsubscribe"]).toBeUndefined();
    expect(eml.headers["list-unsubscribe-post"]).toBeUndefined();
  });
});

describe("the visible opt-out link", () => {
  it("is in the customer's language, in text and HTML", () => {
    const fr = renderEmail(expiring, context("fr"), URL);
    expect(fr.text).toContain(`Ne plus recevoir ces e-mails : ${URL}`);
    expect(fr.html).toMatch(/<a href="[^"]+"[^>]*>Ne plus recevoir ces e-mails<\/a>/);
  });

  it("escapes the URL in HTML and is left out when there is none", () => {
    expect(renderEmail(expiring, context("en"), "https://x.example/a?b=1&c=2").html).toContain(
      'href="https://x.example/a?b=1&#38;c=2"',
    );
    const without = renderEmail(expiring, context("en"));
    expect(without.text).not.toContain("Stop these emails");
    expect(without.html).not.toContain("<a ");
  });
});
