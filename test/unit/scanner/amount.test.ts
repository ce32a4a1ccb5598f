import { describe, expect, it } from "vitest";
import { formatAmount, parseAmount } from "../../../web/scanner/amount.js";

// The scanner's amount field: what staff type, in their locale, and the exact decimal string the API gets.
describe("parseAmount", () => {
  it("reads the French decimal comma, and a dot too", () => {
    expect(parseAmount("23,40", "fr", "EUR")).toEqual({ ok: true, amount: "23.40" });
    expect(parseAmount("23,4", "fr", "EUR")).toEqual({ ok: true, amount: "23.40" });
    expect(parseAmount("23.40", "fr", "EUR")).toEqual({ ok: true, amount: "23.40" });
    expect(parseAmount(" 1 234,50 ", "fr", "EUR")).toEqual({ ok: true, amount: "1234.50" });
    expect(parseAmount("1\u202f234,50", "fr", "EUR")).toEqual({ ok: true, amount: "1234.50" });
    expect(parseAmount("7", "fr", "EUR")).toEqual({ ok: true, amount: "7.00" });
    expect(parseAmount(",5", "fr", "EUR")).toEqual({ ok: true, amount: "0.50" });
  });

  it("reads English grouping commas as thousands, and a lone comma with cents as decimals", () => {
    expect(parseAmount("1,234", "en", "EUR")).toEqual({ ok: true, amount: "1234.00" });
    expect(parseAmount("1,234.5", "en", "EUR")).toEqual({ ok: true, amount: "1234.50" });
    expect(parseAmount("23,40", "en", "EUR")).toEqual({ ok: true, amount: "23.40" });
    expect(parseAmount("1.234,50", "en", "EUR")).toEqual({ ok: true, amount: "1234.50" });
  });

  it("never rounds: more decimals than the currency has is refused, not cut", () => {
    expect(parseAmount("23,405", "fr", "EUR")).toEqual({ ok: false, reason: "decimals", decimals: 2 });
    // In French a comma is always the decimal one: 1,234 is not a thousand.
    expect(parseAmount("1,234", "fr", "EUR")).toEqual({ ok: false, reason: "decimals", decimals: 2 });
    expect(parseAmount("500", "fr", "JPY")).toEqual({ ok: true, amount: "500" });
    expect(parseAmount("500,5", "fr", "JPY")).toEqual({ ok: false, reason: "decimals", decimals: 0 });
  });

  it("refuses what is not an amount, nothing at all, and zero", () => {
    expect(parseAmount("", "fr", "EUR")).toEqual({ ok: false, reason: "required" });
    expect(parseAmount("   ", "fr", "EUR")).toEqual({ ok: false, reason: "required" });
    for (const text of ["abc", "12€", "-5", "5,", "1,2,3", "1.23.4", "1e3", "DEMOCAMILLE7Q4XK9TZ"]) {
      expect(parseAmount(text, "fr", "EUR"), text).toEqual({ ok: false, reason: "invalid" });
    }
    expect(parseAmount("0,00", "fr", "EUR")).toEqual({ ok: false, reason: "zero" });
    // A barcode of digits scanned into the field is too long to be an amount.
    expect(parseAmount("3012345678901234", "fr", "EUR")).toEqual({ ok: false, reason: "invalid" });
  });

  it("shows an API amount in the staff's locale", () => {
    expect(formatAmount("23.40", "EUR", "fr").replace(/\s/g, " ")).toBe("23,40 €");
    expect(formatAmount("23.40", "EUR", "en")).toBe("€23.40");
  });
});
