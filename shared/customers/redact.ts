import type { Customer } from "../model.ts";
import { foldText } from "./contact.ts";

/**
 * Recognising a member's personal values in text kept elsewhere (webhook payloads): the name, each of its
 * words of three letters or more, the phone and e-mail as stored, and free texts (notes, claim texts).
 */
const MIN_WORD = 3;

export function personalValues(customer: Customer | undefined, freeTexts: readonly string[]): string[] {
  const values = new Set<string>();
  const add = (value: string | undefined) => {
    if (value && value.length >= MIN_WORD) values.add(foldText(value));
  };
  if (customer) {
    add(customer.name);
    for (const word of customer.name.split(/[\s'’-]+/)) add(word);
    add(customer.phone);
    add(customer.email);
  }
  for (const text of freeTexts) add(text);
  return [...values];
}

/** Every string of the JSON payload that contains one of `values` (folded alike) becomes null. */
export function redactPayload(payload: string, values: readonly string[]): string {
  if (values.length === 0) return payload;
  const mentions = (text: string) => {
    const folded = foldText(text);
    return values.some((value) => folded.includes(value));
  };
  const walk = (value: unknown): unknown => {
    if (typeof value === "string") return mentions(value) ? null : value;
    if (Array.isArray(value)) return value.map(walk);
    if (value && typeof value === "object") {
      return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, walk(inner)]));
    }
    return value;
  };
  let parsed: unknown;
  try {
    parsed = JSON.parse(payload);
  } catch {
    // Not JSON (never written so): nothing in it can be kept safely.
    return "{}";
  }
  return JSON.stringify(walk(parsed));
}
