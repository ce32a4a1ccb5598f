import { randomUUID } from "node:crypto";
import { mkdir, writeFile } from "node:fs/promises";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";

/**
 * A stand-in for Amazon SES v2 on 127.0.0.1: it implements `POST /v2/email/outbound-emails` (SendEmail
 * with simple content), answers as SES does with a MessageId, and writes each message as an .eml file,
 * so that local runs and tests see exactly what a customer would receive. Nothing leaves the machine.
 */

export interface SentMail {
  messageId: string;
  /** The .eml file written for it. */
  file: string;
  from: string;
  to: string[];
  subject: string;
  configurationSet?: string;
  tags: Record<string, string>;
  /** The custom headers the sender asked for, by name as given. */
  headers: Record<string, string>;
  at: Date;
}

/** SES errors the sink can answer with, and their HTTP status. */
const SES_ERRORS = {
  MessageRejected: 400,
  SendingPausedException: 400,
  TooManyRequestsException: 429,
  InternalServiceErrorException: 500,
} as const;
export type SesErrorName = keyof typeof SES_ERRORS;

export interface FailOptions {
  /** Sends to fail; every one from now on when absent. */
  times?: number;
  /** Only sends to this recipient. */
  to?: string;
}

export interface LocalMailSink {
  /** Use as the SES client's endpoint (env SES_ENDPOINT). */
  endpoint: string;
  dir: string;
  mails: SentMail[];
  /** Answer matching sends with this SES error instead of sending them. */
  failNext(error: SesErrorName, options?: FailOptions): void;
  waitFor(predicate: (mail: SentMail) => boolean, timeoutMs: number): Promise<SentMail>;
  close(): Promise<void>;
}

interface SimpleContent {
  Subject?: { Data?: string };
  Body?: { Text?: { Data?: string }; Html?: { Data?: string } };
  /** Custom headers (SES v2 `Headers`), e.g. List-Unsubscribe; written into the .eml as SES sends them. */
  Headers?: { Name: string; Value: string }[];
}

interface SendEmailBody {
  FromEmailAddress?: string;
  Destination?: { ToAddresses?: string[]; CcAddresses?: string[] };
  Content?: { Simple?: SimpleContent };
  ConfigurationSetName?: string;
  EmailTags?: { Name: string; Value: string }[];
}

interface Scripted {
  error: SesErrorName;
  to: string | undefined;
  remaining: number;
}

const SEND_PATH = "/v2/email/outbound-emails";
const CRLF = "\r\n";

/** RFC 2047, for a header value that is not plain ASCII. */
const encodeHeader = (value: string) =>
  /^[\x20-\x7e]*$/.test(value) ? value : `=?UTF-8?B?${Buffer.from(value, "utf8").toString("base64")}?=`;

/** The message as a mail client would receive it: multipart/alternative, UTF-8, 8bit parts. */
export function toEml(
  mail: Omit<SentMail, "file" | "at" | "subject"> & { subject: string; text?: string; html?: string },
  at: Date,
): string {
  const boundary = `=_${mail.messageId}`;
  const headers = [
    `Message-ID: <${mail.messageId}@local-ses>`,
    `Date: ${at.toUTCString()}`,
    `From: ${mail.from}`,
    `To: ${mail.to.join(", ")}`,
    `Subject: ${encodeHeader(mail.subject)}`,
    "MIME-Version: 1.0",
    ...Object.entries(mail.headers).map(([name, value]) => `${name}: ${value}`),
    ...(mail.configurationSet ? [`X-SES-CONFIGURATION-SET: ${mail.configurationSet}`] : []),
    ...(Object.keys(mail.tags).length > 0
      ? [
          `X-SES-MESSAGE-TAGS: ${Object.entries(mail.tags)
            .map(([k, v]) => `${k}=${v}`)
            .join(", ")}`,
        ]
      : []),
    `Content-Type: multipart/alternative; boundary="${boundary}"`,
  ];
  const parts = [
    ["text/plain", mail.text],
    ["text/html", mail.html],
  ].flatMap(([type, content]) =>
    content === undefined
      ? []
      : [
          `--${boundary}`,
          `Content-Type: ${type}; charset=UTF-8`,
          "Content-Transfer-Encoding: 8bit",
          "",
          content.replace(/\r?\n/g, CRLF),
        ],
  );
  return [...headers, "", ...parts, `--${boundary}--`, ""].join(CRLF);
}

export async function startLocalMailSink(options: { dir: string; port?: number }): Promise<LocalMailSink> {
  const { dir } = options;
  await mkdir(dir, { recursive: true });
  const mails: SentMail[] = [];
  const scripted: Scripted[] = [];
  const waiters = new Set<{ predicate: (mail: SentMail) => boolean; resolve: (mail: SentMail) => void }>();

  function scriptedFailure(to: string[]): SesErrorName | undefined {
    const match = scripted.find((s) => s.to === undefined || to.includes(s.to));
    if (!match) return undefined;
    match.remaining -= 1;
    if (match.remaining <= 0) scripted.splice(scripted.indexOf(match), 1);
    return match.error;
  }

  async function send(body: SendEmailBody): Promise<{ status: number; error?: string; messageId?: string }> {
    const to = body.Destination?.ToAddresses ?? [];
    const simple = body.Content?.Simple;
    if (!body.FromEmailAddress || to.length === 0 || !simple?.Subject?.Data) {
      return { status: 400, error: "BadRequestException" };
    }
    const failure = scriptedFailure(to);
    if (failure) return { status: SES_ERRORS[failure], error: failure };
    const at = new Date();
    const messageId = `${at.getTime().toString(16)}-${randomUUID()}`;
    const file = join(dir, `${at.toISOString().replace(/[:.]/g, "-")}-${messageId}.eml`);
    const mail: SentMail = {
      messageId,
      file,
      from: body.FromEmailAddress,
      to,
      subject: simple.Subject.Data,
      ...(body.ConfigurationSetName ? { configurationSet: body.ConfigurationSetName } : {}),
      tags: Object.fromEntries((body.EmailTags ?? []).map((tag) => [tag.Name, tag.Value])),
      headers: Object.fromEntries((simple.Headers ?? []).map((header) => [header.Name, header.Value])),
      at,
    };
    await writeFile(
      file,
      toEml({ ...mail, text: simple.Body?.Text?.Data, html: simple.Body?.Html?.Data }, at),
      { mode: 0o600 },
    );
    mails.push(mail);
    for (const waiter of waiters) {
      if (waiter.predicate(mail)) {
        waiters.delete(waiter);
        waiter.resolve(mail);
      }
    }
    return { status: 200, messageId };
  }

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const path = new URL(req.url ?? "/", "http://sink").pathname;
      const reply = (status: number, body: unknown, error?: string) => {
        res.writeHead(status, {
          "content-type": "application/json",
          ...(error ? { "x-amzn-errortype": error } : {}),
        });
        res.end(JSON.stringify(body));
      };
      if (req.method !== "POST" || path !== SEND_PATH) {
        reply(404, { message: "Only SendEmail is implemented" }, "NotFoundException");
        return;
      }
      let body: SendEmailBody;
      try {
        body = JSON.parse(Buffer.concat(chunks).toString("utf8")) as SendEmailBody;
      } catch {
        reply(400, { message: "Malformed JSON" }, "BadRequestException");
        return;
      }
      send(body).then(
        (result) =>
          result.error
            ? reply(result.status, { message: `Local sink: ${result.error}` }, result.error)
            : reply(200, { MessageId: result.messageId }),
        () =>
          reply(500, { message: "The sink could not write the message" }, "InternalServiceErrorException"),
      );
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, "127.0.0.1", () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  return {
    endpoint: `http://127.0.0.1:${port}`,
    dir,
    mails,
    failNext(error, failOptions = {}) {
      scripted.push({ error, to: failOptions.to, remaining: failOptions.times ?? Number.POSITIVE_INFINITY });
    },
    waitFor(predicate, timeoutMs) {
      const seen = mails.find(predicate);
      if (seen) return Promise.resolve(seen);
      return new Promise<SentMail>((resolve, reject) => {
        const waiter = {
          predicate,
          resolve: (mail: SentMail) => {
            clearTimeout(timer);
            resolve(mail);
          },
        };
        const timer = setTimeout(() => {
          waiters.delete(waiter);
          reject(new Error(`no matching email within ${timeoutMs} ms (${mails.length} sent)`));
        }, timeoutMs);
        waiters.add(waiter);
      });
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
