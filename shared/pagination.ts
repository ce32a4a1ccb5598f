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

/** Guards a `{ before: n }` cursor over a positive integer sort key written with at most `maxDigits` digits. */
export const isBeforeCursor =
  (maxDigits: number) =>
  (value: unknown): value is { before: number } => {
    const before = (value as { before?: unknown } | null)?.before;
    return (
      typeof value === "object" &&
      Number.isSafeInteger(before) &&
      (before as number) > 0 &&
      String(before).length <= maxDigits
    );
  };

export const MAX_PAGE_SIZE = 100;
export const DEFAULT_PAGE_SIZE = 25;
