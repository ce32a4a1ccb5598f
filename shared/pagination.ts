import { ValidationError } from "./errors.ts";

/** Cursors are opaque to clients: base64url JSON that only this API reads back, and checks. */

export function encodeCursor(position: Record<string, unknown>): string {
  return Buffer.from(JSON.stringify(position)).toString("base64url");
}

export function decodeCursor<T>(text: string, isValid: (value: unknown) => value is T): T {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(text, "base64url").toString("utf8"));
  } catch {
    value = undefined;
  }
  if (!isValid(value)) throw ValidationError.field("query.cursor", "is not a cursor returned by this API");
  return value;
}

export const MAX_PAGE_SIZE = 100;
export const DEFAULT_PAGE_SIZE = 25;
