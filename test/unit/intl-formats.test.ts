import { describe, expect, it } from "vitest";
import { dateTimeFormat, numberFormat, pluralRules } from "../../shared/intl-formats.ts";

describe("the shared Intl formatters", () => {
  it("are made once per locale and options, and format as a new one would", () => {
    const options = { day: "numeric", month: "short", timeZone: "Europe/Paris" } as const;
    expect(dateTimeFormat("fr-FR", options)).toBe(dateTimeFormat("fr-FR", { ...options }));
    expect(dateTimeFormat("fr-FR", options)).not.toBe(dateTimeFormat("en-GB", options));
    expect(dateTimeFormat("fr-FR", options)).not.toBe(
      dateTimeFormat("fr-FR", { ...options, timeZone: "UTC" }),
    );
    const day = new Date("2026-12-31T23:30:00Z");
    expect(dateTimeFormat("fr-FR", options).format(day)).toBe(
      new Intl.DateTimeFormat("fr-FR", options).format(day),
    );
    expect(numberFormat("fr-FR", { maximumFractionDigits: 0 })).toBe(
      numberFormat("fr-FR", { maximumFractionDigits: 0 }),
    );
    expect(numberFormat("fr-FR", { signDisplay: "exceptZero" }).format(1234)).toBe(
      new Intl.NumberFormat("fr-FR", { signDisplay: "exceptZero" }).format(1234),
    );
    expect(pluralRules("fr-FR")).toBe(pluralRules("fr-FR"));
    expect(pluralRules("fr-FR").select(1)).toBe("one");
  });

  it("keeps nothing for a time zone Intl refuses", () => {
    expect(() => dateTimeFormat("en", { timeZone: "Mars/Olympus_Mons" })).toThrow(RangeError);
    expect(() => dateTimeFormat("en", { timeZone: "Mars/Olympus_Mons" })).toThrow(RangeError);
  });
});
