import { readFile } from "node:fs/promises";
import type { SentMail } from "../../infra/local/mail-sink.ts";

/** An .eml file as the mail sink writes it, read back the way a mail client would. */
export interface Eml {
  headers: Record<string, string>;
  /** Decoded from RFC 2047. */
  subject: string;
  text: string;
  html: string;
}

const decodeWord = (value: string) =>
  value.replace(/=\?UTF-8\?B\?([^?]*)\?=/gi, (_, b64: string) => Buffer.from(b64, "base64").toString("utf8"));

export async function readEml(file: string): Promise<Eml> {
  const raw = await readFile(file, "utf8");
  const [head = "", ...rest] = raw.split("\r\n\r\n");
  const headers = Object.fromEntries(
    head.split("\r\n").map((line) => {
      const at = line.indexOf(":");
      return [line.slice(0, at).toLowerCase(), line.slice(at + 1).trim()];
    }),
  );
  const boundary = /boundary="([^"]+)"/.exec(headers["content-type"] ?? "")?.[1] ?? "";
  const parts = rest
    .join("\r\n\r\n")
    .split(`--${boundary}`)
    .map((part) => part.trim())
    .filter((part) => part && part !== "--");
  const body = (type: string) => {
    const part = parts.find((p) => p.startsWith(`Content-Type: ${type}`)) ?? "";
    return part.slice(part.indexOf("\r\n\r\n") + 4).replace(/\r\n/g, "\n");
  };
  return {
    headers,
    subject: decodeWord(headers.subject ?? ""),
    text: body("text/plain"),
    html: body("text/html"),
  };
}

/** Emails to one address, oldest first. */
export const mailsTo = (mails: readonly SentMail[], address: string) =>
  mails.filter((m) => m.to.includes(address));
