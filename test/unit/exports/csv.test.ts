import { describe, expect, it } from "vitest";
import { csvCell, csvRow } from "../../../shared/exports/csv.ts";
import { chunkedSink } from "../../../shared/exports/sink.ts";

describe("csvCell", () => {
  it("quotes a field with a comma, a quote or a line break, doubling quotes (RFC 4180)", () => {
    expect(csvCell("plain")).toBe("plain");
    expect(csvCell("a,b")).toBe('"a,b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell("two\nlines")).toBe('"two\nlines"');
    expect(csvCell("cr\r")).toBe('"cr\r"');
  });

  it("guards text a spreadsheet would run as a formula", () => {
    for (const start of ["=", "+", "-", "@", "\t"]) expect(csvCell(`${start}1+1`)).toBe(`'${start}1+1`);
    expect(csvCell('=HYPERLINK("http://x")')).toBe(`"'=HYPERLINK(""http://x"")"`);
    expect(csvCell("a=b")).toBe("a=b");
  });

  it("writes numbers, booleans and absent values as they are", () => {
    expect(csvCell(-50)).toBe("-50");
    expect(csvCell(true)).toBe("true");
    expect(csvCell(null)).toBe("");
    expect(csvCell(undefined)).toBe("");
    expect(csvRow(["a", 1, null, "x,y"])).toBe('a,1,,"x,y"\r\n');
  });
});

describe("chunkedSink", () => {
  it("hands the writer chunks of about the chunk size, and the rest on flush", async () => {
    const chunks: string[] = [];
    const sink = chunkedSink({ write: async (chunk) => void chunks.push(chunk) }, 10);
    for (const row of ["aaaa", "bbbb", "cccc", "dd"]) await sink.row(row);
    expect(chunks).toEqual(["aaaabbbbcccc"]);
    await sink.flush();
    expect(chunks).toEqual(["aaaabbbbcccc", "dd"]);
    await sink.flush();
    expect(chunks).toHaveLength(2);
  });
});
