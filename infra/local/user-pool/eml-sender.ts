import { randomUUID } from "node:crypto";
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { toEml } from "../mail-sink.ts";
import type { Context, Message, MessageSender, User } from "./cognito-local.ts";

/** Cognito's own sender when a pool sends with COGNITO_DEFAULT (no SES configuration of its own). */
export const COGNITO_DEFAULT_FROM = "no-reply@verificationemail.com";

/**
 * Writes what Cognito would send as an .eml file in `dir`, the way the local SES stand-in does
 * (mail-sink.ts), instead of cognito-local's console box: invitations and codes land next to the product's
 * own e-mails, readable by people and tests alike. Text messages are written too, with the number as `To`.
 */
export class EmlMessageSender implements MessageSender {
  constructor(private readonly dir: string) {}

  sendEmail(_ctx: Context, _user: User, destination: string, message: Message): Promise<void> {
    return this.write(destination, message.emailSubject ?? "", message.emailMessage ?? "");
  }

  sendSms(_ctx: Context, _user: User, destination: string, message: Message): Promise<void> {
    return this.write(destination, "SMS", message.smsMessage ?? "");
  }

  private async write(to: string, subject: string, text: string): Promise<void> {
    const at = new Date();
    const messageId = `${at.getTime().toString(16)}-${randomUUID()}`;
    await mkdir(this.dir, { recursive: true });
    const file = join(this.dir, `${at.toISOString().replace(/[:.]/g, "-")}-${messageId}.eml`);
    const eml = toEml(
      { messageId, from: COGNITO_DEFAULT_FROM, to: [to], subject, headers: {}, tags: {}, text },
      at,
    );
    await writeFile(file, eml, { mode: 0o600 });
  }
}
