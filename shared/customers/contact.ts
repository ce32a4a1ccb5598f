import { type CountryCode, parsePhoneNumberFromString } from "libphonenumber-js";
import { conflict, ValidationError } from "../errors.ts";

/** The contact details each held by one customer at most, within a merchant. */
export type ContactField = "phone" | "email";

/**
 * Contact details are stored normalised, so "06 12 34 56 78" and "+33 6 12 34 56 78" are one number
 * and "Camille@Example.com" is the same address as "camille@example.com".
 */

/** E.164, or undefined when the text is not a valid phone number for the region. */
export function normalizePhone(text: string, defaultCountry: string): string | undefined {
  const parsed = parsePhoneNumberFromString(text, defaultCountry as CountryCode);
  return parsed?.isValid() ? parsed.number : undefined;
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export function normalizeEmail(text: string): string | undefined {
  const email = text.trim().toLowerCase();
  return EMAIL.test(email) && email.length <= 254 ? email : undefined;
}

/** Lower case without accents: "Élodie" and "elodie" fold to the same text. */
export function foldText(text: string): string {
  return text
    .normalize("NFD")
    .replace(/\p{Diacritic}/gu, "")
    .toLowerCase();
}

/** The words of a name as searched: folded, split on anything that is not a letter or digit. */
export function nameTokens(name: string): string[] {
  return [
    ...new Set(
      foldText(name)
        .split(/[^\p{L}\p{N}]+/u)
        .filter(Boolean),
    ),
  ];
}

/** Does this query look like a phone number rather than a name? */
export function looksLikePhone(text: string): boolean {
  return /^\+?[\d\s().-]{6,}$/.test(text.trim()) && (text.match(/\d/g)?.length ?? 0) >= 6;
}

/** Normalised contact details, or a 400 naming each field that cannot be one. */
export function normalizeContact(
  input: { phone?: string | null; email?: string | null },
  country: string,
): { phone?: string | null; email?: string | null } {
  const problems: { field: string; reason: string }[] = [];
  const out: { phone?: string | null; email?: string | null } = {};
  if (input.phone !== undefined) {
    out.phone = input.phone === null ? null : normalizePhone(input.phone, country);
    if (out.phone === undefined)
      problems.push({ field: "phone", reason: `is not a valid phone number (region ${country})` });
  }
  if (input.email !== undefined) {
    out.email = input.email === null ? null : normalizeEmail(input.email);
    if (out.email === undefined) problems.push({ field: "email", reason: "is not a valid email address" });
  }
  if (problems.length > 0) throw new ValidationError(problems);
  return out;
}

export const contactTaken = (field: ContactField) =>
  conflict(
    `This ${field === "phone" ? "phone number" : "email address"} is already used by another customer.`,
    {
      field,
    },
  );
