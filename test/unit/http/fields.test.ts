import { describe, expect, it } from "vitest";
import {
  Barcode,
  Cursor,
  DecimalAmount,
  HttpsUrl,
  Instant,
  InstantOrDate,
  ManualPoints,
  PositiveAmount,
  points,
  RecordId,
} from "../../../functions/http/fields.ts";
import { text, textProblem, wellFormed, wellFormedDeep } from "../../../shared/text.ts";

const reasonOf = (result: { success: boolean; error?: { issues: { message: string }[] } }) =>
  result.error?.issues.map((issue) => issue.message) ?? [];

describe("textProblem: the one rule for text", () => {
  it.each([
    ["NUL", "\u0000", "the control character U+0000"],
    ["a tab", "\t", "the control character U+0009"],
    ["a line feed", "\n", "the control character U+000A"],
    ["a carriage return", "\r", "the control character U+000D"],
    ["escape", "\u001B", "the control character U+001B"],
    ["the last C0", "\u001F", "the control character U+001F"],
    ["DEL", "\u007F", "the control character DEL U+007F"],
    ["the first C1", "\u0080", "the C1 control character U+0080"],
    ["NEL", "\u0085", "the C1 control character U+0085"],
    ["the last C1", "\u009F", "the C1 control character U+009F"],
    ["LRE", "\u202A", "the bidirectional control U+202A"],
    ["RLE", "\u202B", "the bidirectional control U+202B"],
    ["PDF", "\u202C", "the bidirectional control U+202C"],
    ["LRO", "\u202D", "the bidirectional control U+202D"],
    ["RLO", "\u202E", "the bidirectional control U+202E"],
    ["LRI", "\u2066", "the bidirectional control U+2066"],
    ["RLI", "\u2067", "the bidirectional control U+2067"],
    ["FSI", "\u2068", "the bidirectional control U+2068"],
    ["PDI", "\u2069", "the bidirectional control U+2069"],
  ])("refuses %s and names it and where it is", (_name, character, named) => {
    expect(textProblem(`Ab${character}cd`)).toBe(
      `contains ${named} at offset 2, which text fields do not accept`,
    );
  });

  it.each([
    ["a lone high surrogate", "Caf\uD800", "U+D800", 3],
    ["a lone low surrogate", "\uDC00afé", "U+DC00", 0],
    ["a high surrogate before a non-surrogate", "a\uDBFFb", "U+DBFF", 1],
    ["two high surrogates", "\uD83D\uD83D\uDE00", "U+D83D", 0],
    ["a low surrogate after a pair", "\uD83D\uDE00\uDE00", "U+DE00", 2],
  ])("refuses %s", (_name, value, unit, offset) => {
    expect(textProblem(value)).toBe(
      `contains a lone UTF-16 surrogate (${unit}) at offset ${offset}: send well-formed Unicode text`,
    );
  });

  it.each([
    ["plain ASCII", "Camille Durand"],
    ["accents", "Élodie Ñúñez"],
    ["an emoji (a surrogate pair)", "Café ☕ 😀"],
    ["the space just above C0", " "],
    ["the character after DEL's range (NBSP)", "\u00A0"],
    ["right-to-left text", "שלום عربي"],
    ["the marks LRM, RLM and ALM", "\u200E\u200F\u061C"],
    ["the characters around the bidi ranges", "\u2029\u202F\u2065\u206A"],
    ["U+FFFD", "\uFFFD"],
  ])("accepts %s", (_name, value) => {
    expect(textProblem(value)).toBeUndefined();
  });
});

describe("text(max)", () => {
  it("trims, and counts what is left", () => {
    expect(text(3).parse("  abc  ")).toBe("abc");
    expect(reasonOf(text(3).safeParse("abcd"))).toEqual(["must be at most 3 characters"]);
    expect(reasonOf(text(3).safeParse("   "))).toEqual(["must not be empty"]);
    expect(text(3, { min: 0 }).parse("  ")).toBe("");
  });

  it("checks the characters before trimming, and reports only that", () => {
    expect(reasonOf(text(10).safeParse("Alice\n"))).toEqual([
      "contains the control character U+000A at offset 5, which text fields do not accept",
    ]);
    expect(reasonOf(text(1).safeParse("\u202Etoo long"))).toHaveLength(1);
  });

  it("refuses what is not a string", () => {
    expect(text(10).safeParse(12).success).toBe(false);
  });
});

describe("wellFormed", () => {
  it("replaces each lone surrogate with U+FFFD and keeps pairs", () => {
    expect(wellFormed("a\uD800b\uDC00c😀")).toBe("a\uFFFDb\uFFFDc😀");
    expect(wellFormed("\uD83D\uD83D\uDE00")).toBe("\uFFFD😀");
  });

  it("reaches every string of a JSON-like value, keys included, and keeps the rest", () => {
    expect(
      wellFormedDeep({ name: "x\uD800", list: ["\uDC00", 1, null, true], nested: { "k\uD800": "v" } }),
    ).toEqual({ name: "x\uFFFD", list: ["\uFFFD", 1, null, true], nested: { "k\uFFFD": "v" } });
  });
});

describe("field helpers", () => {
  it("decimal amounts: at most 12 digits and 4 decimals, no sign or exponent", () => {
    for (const ok of ["0", "23.40", "999999999999.9999", "10000.00"])
      expect(DecimalAmount.parse(ok)).toBe(ok);
    for (const bad of [
      "",
      "-1",
      "1e3",
      "1.",
      ".5",
      "1 000",
      "1000000000000",
      "1.23456",
      "9007199254740000.00",
    ]) {
      expect(DecimalAmount.safeParse(bad).success, bad).toBe(false);
    }
    expect(reasonOf(PositiveAmount.safeParse("0.00"))).toEqual(["must be greater than zero"]);
  });

  it("points: whole numbers within the stated bounds", () => {
    const schema = points(1, 10);
    expect(schema.parse(10)).toBe(10);
    expect(reasonOf(schema.safeParse(11))).toEqual(["must be at most 10"]);
    expect(reasonOf(schema.safeParse(0))).toEqual(["must be at least 1"]);
    expect(schema.safeParse(1.5).success).toBe(false);
    expect(schema.safeParse("5").success).toBe(false);
    expect(ManualPoints.parse(-1_000_000)).toBe(-1_000_000);
    expect(ManualPoints.safeParse(1_000_001).success).toBe(false);
    expect(reasonOf(ManualPoints.safeParse(0))).toEqual(["must not be zero"]);
  });

  it("instants: ISO 8601 with an offset, from 2000 to 2100 (exclusive); query bounds any date", () => {
    expect(Instant.parse("2026-05-01T10:30:00+02:00")).toBe("2026-05-01T10:30:00+02:00");
    expect(Instant.parse("2000-01-01T00:00:00Z")).toBe("2000-01-01T00:00:00Z");
    for (const bad of ["1999-12-31T23:59:59Z", "2100-01-01T00:00:00Z", "2026-05-01T10:30:00", "yesterday"]) {
      expect(Instant.safeParse(bad).success, bad).toBe(false);
    }
    expect(InstantOrDate.parse("2026-05-01")).toBe("2026-05-01T00:00:00.000Z");
    expect(InstantOrDate.parse("2999-01-01")).toBe("2999-01-01T00:00:00.000Z");
    expect(InstantOrDate.safeParse("2026-13-01").success).toBe(false);
  });

  it("ids, barcodes and cursors: only their own characters", () => {
    expect(RecordId.safeParse("cus_01J#x").success).toBe(false);
    expect(RecordId.safeParse("x".repeat(65)).success).toBe(false);
    expect(Barcode.parse("DEMOCAMILLE7Q4XK9TZ")).toBe("DEMOCAMILLE7Q4XK9TZ");
    expect(Barcode.safeParse("DEMO CAMILLE").success).toBe(false);
    expect(Cursor(8).safeParse("eyJiIjoxfQ").success).toBe(false);
    expect(Cursor(16).parse("eyJiIjoxfQ")).toBe("eyJiIjoxfQ");
  });

  it("https URLs hold to the text rule, which the URL parser alone would not", () => {
    expect(HttpsUrl(300).parse("https://cafe.example/contact")).toBe("https://cafe.example/contact");
    expect(HttpsUrl(300).safeParse("https://cafe.example/a\u0007b").success).toBe(false);
    expect(HttpsUrl(300).safeParse("https://cafe.example/\u202Egnp.exe").success).toBe(false);
    expect(HttpsUrl(300).safeParse("http://cafe.example/").success).toBe(false);
  });
});
