import { describe, expect, it } from "vitest";
import { parseCsvLine } from "../../../shared/imports/csv.ts";
import { checkLine } from "../../../shared/imports/run.ts";

const record = {
  delimiter: ";" as const,
  columnIndexes: { name: 0, phone: 1, email: 2, balance: 3, reference: 4 },
};
const check = (text: string) => checkLine(record, 7, text, "FR").line;

describe("reading a CSV line", () => {
  it("splits on the delimiter, unquotes and trims", () => {
    expect(parseCsvLine('a; "b;c" ;"say ""hi""";', ";", 10)).toBeUndefined();
    expect(parseCsvLine('a;"b;c";"say ""hi""";', ";", 10)).toEqual(["a", "b;c", 'say "hi"', ""]);
    expect(parseCsvLine(" a , b ", ",", 10)).toEqual(["a", "b"]);
  });

  it("refuses a broken quote and too many fields", () => {
    expect(parseCsvLine('"open;b', ";", 10)).toBeUndefined();
    expect(parseCsvLine('a"b;c', ";", 10)).toBeUndefined();
    expect(parseCsvLine("a;b;c", ";", 2)).toBeUndefined();
  });
});

describe("a line's own checks", () => {
  it("normalises a valid line's phone and e-mail", () => {
    expect(check("Jeanne;06 11 22 33 44;Jeanne@Example.com;120;R1")).toEqual({
      line: 7,
      outcome: "create",
      name: "Jeanne",
      phone: "+33611223344",
      email: "jeanne@example.com",
      points: 120,
      reference: "R1",
    });
  });

  it("names each problem", () => {
    expect(check("").problems).toEqual([{ code: "blank_line" }]);
    expect(check("Jeanne;06 11 22 33 44").problems).toEqual([
      { code: "missing_column", field: "email" },
      { code: "missing_column", field: "balance" },
      { code: "missing_column", field: "reference" },
      { code: "bad_balance", field: "balance" },
    ]);
    expect(check("Jeanne;12;x@;1.5;R").problems).toEqual([
      { code: "bad_phone", field: "phone" },
      { code: "bad_email", field: "email" },
      { code: "bad_balance", field: "balance" },
    ]);
    expect(check(";;;-3;").problems).toEqual([
      { code: "missing_name", field: "name" },
      { code: "missing_contact" },
      { code: "bad_balance", field: "balance" },
    ]);
    expect(check(`${"n".repeat(101)};0611223344;;100000001;${"r".repeat(65)}`).problems).toEqual([
      { code: "field_too_long", field: "name" },
      { code: "field_too_long", field: "reference" },
      { code: "bad_balance", field: "balance" },
    ]);
  });
});
