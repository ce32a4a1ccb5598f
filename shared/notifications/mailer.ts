import { SESv2Client, SendEmailCommand } from "@aws-sdk/client-sesv2";
import { SES_CONNECT_TIMEOUT_MS, SES_MAX_ATTEMPTS, SES_REQUEST_TIMEOUT_MS } from "../budgets.ts";
import { sdkClientBudget } from "../sdk-client-budget.ts";
import type { EmailConfig } from "./config.ts";

export interface OutgoingEmail {
  to: string;
  /** Shown in front of the sender address: the merchant's name. */
  fromName: string;
  subject: string;
  text: string;
  html: string;
  /** SES message tags (ids only), so a configuration set's events can be traced back. */
  tags: Record<string, string>;
  /**
   * The HTTPS one-click unsubscribe link (RFC 8058) of an optional message: sent as List-Unsubscribe and
   * List-Unsubscribe-Post, which Gmail's and Yahoo's bulk-sender rules ask of marketing mail. Absent on a
   * message the recipient asked for (a contact confirmation), which nobody can unsubscribe from.
   */
  unsubscribeUrl?: string;
}

export interface Mailer {
  send(email: OutgoingEmail): Promise<{ messageId: string }>;
}

/**
 * A send that failed. `rejected`: SES refused this recipient (MessageRejected), so sending again is
 * pointless; anything else (throttling, SES unavailable, a sending pause) may work on a later try.
 * Carries SES's error name only: its message can quote the address.
 */
export class MailerError extends Error {
  override readonly name = "MailerError";

  constructor(
    readonly code: string,
    readonly rejected: boolean,
  ) {
    super(`SES SendEmail failed: ${code}`);
  }
}

const REJECTED = new Set(["MessageRejected"]);

/** RFC 2369 and RFC 8058 headers; SES's Easy DKIM signature covers them, as RFC 8058 requires. */
export function listUnsubscribeHeaders(
  unsubscribeUrl: string | undefined,
): { Name: string; Value: string }[] {
  if (!unsubscribeUrl) return [];
  return [
    { Name: "List-Unsubscribe", Value: `<${unsubscribeUrl}>` },
    { Name: "List-Unsubscribe-Post", Value: "List-Unsubscribe=One-Click" },
  ];
}

/** RFC 2047 for a display name that is not plain ASCII, as SES requires; a quoted string otherwise. */
export function formatSender(name: string, address: string): string {
  const display = /^[\x20-\x7e]*$/.test(name)
    ? `"${name.replace(/["\\]/g, "\\$&")}"`
    : `=?UTF-8?B?${Buffer.from(name, "utf8").toString("base64")}?=`;
  return `${display} <${address}>`;
}

// SES tag values allow letters, digits, "_" and "-" only.
const tagValue = (value: string) => value.replace(/[^A-Za-z0-9_-]/g, "_").slice(0, 256);

export function createSesMailer(config: EmailConfig): Mailer {
  const client = new SESv2Client({
    ...(config.region ? { region: config.region } : {}),
    // Bounded waits (shared/budgets.ts); tests lower the attempts so each failure counts once.
    ...sdkClientBudget({
      connectTimeoutMs: SES_CONNECT_TIMEOUT_MS,
      requestTimeoutMs: SES_REQUEST_TIMEOUT_MS,
      maxAttempts: config.maxAttempts ?? SES_MAX_ATTEMPTS,
    }),
    // The local sink checks no signature; real credentials never go to it.
    ...(config.endpoint
      ? { endpoint: config.endpoint, credentials: { accessKeyId: "local", secretAccessKey: "local" } }
      : {}),
  });
  return {
    async send(email) {
      const charset = "UTF-8";
      const headers = listUnsubscribeHeaders(email.unsubscribeUrl);
      try {
        const { MessageId } = await client.send(
          new SendEmailCommand({
            FromEmailAddress: formatSender(email.fromName, config.fromAddress),
            ...(config.identityArn ? { FromEmailAddressIdentityArn: config.identityArn } : {}),
            Destination: { ToAddresses: [email.to] },
            Content: {
              Simple: {
                Subject: { Data: email.subject, Charset: charset },
                Body: {
                  Text: { Data: email.text, Charset: charset },
                  Html: { Data: email.html, Charset: charset },
                },
                ...(headers.length > 0 ? { Headers: headers } : {}),
              },
            },
            ...(config.configurationSet ? { ConfigurationSetName: config.configurationSet } : {}),
            EmailTags: Object.entries(email.tags).map(([Name, Value]) => ({ Name, Value: tagValue(Value) })),
          }),
        );
        return { messageId: MessageId ?? "" };
      } catch (error) {
        const code = (error as { name?: string }).name ?? "Error";
        throw new MailerError(code, REJECTED.has(code));
      }
    },
  };
}

let cached: { config: EmailConfig; mailer: Mailer } | undefined;

/** One SES client per container and configuration (the local stack changes it between test stacks). */
export function sesMailer(config: EmailConfig): Mailer {
  if (cached?.config !== config) cached = { config, mailer: createSesMailer(config) };
  return cached.mailer;
}
