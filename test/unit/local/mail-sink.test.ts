import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type LocalMailSink, startLocalMailSink } from "../../../infra/local/mail-sink.ts";
import {
  createSesMailer,
  formatSender,
  type Mailer,
  MailerError,
} from "../../../shared/notifications/mailer.ts";
import { readEml } from "../../support/mail.ts";

/** The SES v2 client, as the notifications handler builds it, against the local sink. */

let dir: string;
let sink: LocalMailSink;
let mailer: Mailer;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "mail-sink-"));
  sink = await startLocalMailSink({ dir });
  mailer = createSesMailer({
    fromAddress: "loyalty@localhost",
    endpoint: sink.endpoint,
    region: "eu-west-3",
    configurationSet: "loyalty",
    maxAttempts: 1,
  });
});
afterAll(async () => {
  await sink?.close();
  await rm(dir, { recursive: true, force: true });
});

const email = (to: string) => ({
  to,
  fromName: "Café Démo",
  subject: "Vous avez gagné 23 points chez Café Démo",
  text: "Bonjour Camille,\n\nVotre solde : 123 points.",
  html: "<p>Bonjour Camille,</p>",
  tags: { moment: "points_earned", customer: "cus_1" },
});

describe("the local SES mail sink", () => {
  it("answers SendEmail with a MessageId and writes the message as an .eml file", async () => {
    const { messageId } = await mailer.send(email("camille@example.com"));
    expect(messageId).toMatch(/.+/);
    const [mail] = sink.mails;
    expect(mail).toMatchObject({
      messageId,
      to: ["camille@example.com"],
      configurationSet: "loyalty",
      tags: { moment: "points_earned", customer: "cus_1" },
    });
    expect(await readdir(dir)).toEqual([expect.stringMatching(new RegExp(`${messageId}\\.eml$`))]);
    const eml = await readEml(mail?.file as string);
    expect(eml.headers.from).toBe(formatSender("Café Démo", "loyalty@localhost"));
    expect(eml.headers.to).toBe("camille@example.com");
    expect(eml.subject).toBe("Vous avez gagné 23 points chez Café Démo");
    expect(eml.text).toBe("Bonjour Camille,\n\nVotre solde : 123 points.");
    expect(eml.html).toBe("<p>Bonjour Camille,</p>");
  });

  it("answers with SES's errors when told to: a refused address is rejected for good, throttling is not", async () => {
    sink.failNext("MessageRejected", { to: "gone@example.com" });
    sink.failNext("TooManyRequestsException", { to: "busy@example.com", times: 1 });
    const refused = await mailer.send(email("gone@example.com")).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(MailerError);
    expect(refused).toMatchObject({ code: "MessageRejected", rejected: true });
    expect(String((refused as Error).message)).not.toContain("gone@example.com");
    const throttled = await mailer.send(email("busy@example.com")).catch((error: unknown) => error);
    expect(throttled).toMatchObject({ code: "TooManyRequestsException", rejected: false });
    // Only the next one was to fail.
    await expect(mailer.send(email("busy@example.com"))).resolves.toMatchObject({
      messageId: expect.any(String),
    });
    expect(sink.mails.map((m) => m.to[0])).toEqual(["camille@example.com", "busy@example.com"]);
  });

  it("puts a display name that is not ASCII in RFC 2047, and quotes one that is", () => {
    expect(formatSender("Café Démo", "a@b.c")).toBe(
      `=?UTF-8?B?${Buffer.from("Café Démo").toString("base64")}?= <a@b.c>`,
    );
    expect(formatSender('Bob "The" Shop', "a@b.c")).toBe('"Bob \\"The\\" Shop" <a@b.c>');
  });
});
