import { describe, expect, it } from "vitest";
import { currencyMinorUnits, formatDecimal, formatRatio, parseDecimal } from "../../shared/money.ts";

describe("money", () => {
  it("parses decimal strings exactly", () => {
    expect(parseDecimal("23.40")).toEqual({ units: 2340n, scale: 2 });
    expect(parseDecimal("7")).toEqual({ units: 7n, scale: 0 });
    for (const bad of ["-1", "+1", "1.", ".5", "1,5", "1e2", "0x10", "", " 1", "NaN", "Infinity"]) {
      expect(parseDecimal(bad), bad).toBeUndefined();
    }
  });

  it("knows each currency's minor units", () => {
    expect(currencyMinorUnits("EUR")).toBe(2);
    expect(currencyMinorUnits("JPY")).toBe(0);
    expect(currencyMinorUnits("BHD")).toBe(3);
    expect(currencyMinorUnits("eur")).toBeUndefined();
    expect(currencyMinorUnits("XXXX")).toBeUndefined();
    expect(currencyMinorUnits("XYZ")).toBeUndefined();
  });

  it("formats decimals and ratios", () => {
    expect(formatDecimal({ units: 5n, scale: 2 })).toBe("0.05");
    expect(formatDecimal({ units: 2340n, scale: 2 })).toBe("23.40");
    expect(formatRatio({ numerator: 234n, denominator: 10n })).toBe("23.4");
    expect(formatRatio({ numerator: 10n, denominator: 3n })).toBe("≈3.3333");
    expect(formatRatio({ numerator: 1n, denominator: 8n })).toBe("0.125");
  });
});
