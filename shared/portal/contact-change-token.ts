import { createHash, timingSafeEqual } from "node:crypto";
import type { ContactField } from "../customers/contact.ts";
import { randomToken } from "../ids.ts";

/**
 * The token in a contact-change confirmation link: `<merchantId>.<customerId>.<e|p>.<secret>`. The ids say
 * which pending change to look up (every customer item lives under its merchant, so a link names both);
 * the secret, 192 random bits, is what proves the link was received. Only its SHA-256 is stored, so a
 * reader of the table cannot confirm anyone's change; a plain hash suffices for a secret that random.
 */

export interface ContactChangeToken {
  merchantId: string;
  customerId: string;
  field: ContactField;
  secret: string;
}

const ID = /^[A-Za-z0-9_-]{1,64}$/;
const SECRET = /^[A-Za-z0-9_-]{32}$/;
const FIELD_CODES = { e: "email", p: "phone" } as const satisfies Record<string, ContactField>;
const CODE_OF: Record<ContactField, keyof typeof FIELD_CODES> = { email: "e", phone: "p" };

export const newSecret = () => randomToken(24);

export const formatToken = (token: ContactChangeToken) =>
  `${token.merchantId}.${token.customerId}.${CODE_OF[token.field]}.${token.secret}`;

/** The token's parts, or undefined for anything that cannot be one of ours. */
export function parseToken(text: string): ContactChangeToken | undefined {
  const [merchantId, customerId, code, secret, ...rest] = text.split(".");
  if (rest.length > 0 || !merchantId || !customerId || !code || !secret) return undefined;
  if (!ID.test(merchantId) || !ID.test(customerId) || !SECRET.test(secret)) return undefined;
  const field = FIELD_CODES[code as keyof typeof FIELD_CODES];
  return field ? { merchantId, customerId, field, secret } : undefined;
}

export const secretHash = (secret: string) => createHash("sha256").update(secret).digest("hex");

/** Compares in constant time, so the stored hash cannot be learnt a character at a time. */
export function secretMatches(secret: string, storedHash: unknown): boolean {
  if (typeof storedHash !== "string") return false;
  const given = Buffer.from(secretHash(secret), "hex");
  const stored = Buffer.from(storedHash, "hex");
  return given.length === stored.length && timingSafeEqual(given, stored);
}

/** The link opens the portal page, which posts the token; in the fragment, it never reaches a server log. */
export const confirmationUrl = (apiBaseUrl: string, token: string) =>
  `${apiBaseUrl.replace(/\/+$/, "")}/portal#confirm=${token}`;
