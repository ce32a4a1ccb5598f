// Types for the tests (test/unit/scanner/), which import the browser module as it is served.
export type ParsedAmount =
  | { ok: true; amount: string }
  | { ok: false; reason: "required" | "invalid" | "zero" }
  | { ok: false; reason: "decimals"; decimals: number };
export function currencyDecimals(currency: string): number;
export function parseAmount(text: string, locale: string, currency: string): ParsedAmount;
export function formatAmount(amount: string, currency: string, locale: string): string;
