import { brotliDecompressSync, gunzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { precompressed, preferredEncoding } from "../../../functions/http/content-encoding.ts";

describe("the portal page's content coding", () => {
  it.each([
    ["gzip, deflate, br, zstd", "br"],
    ["gzip, deflate", "gzip"],
    ["br;q=0.4, gzip;q=0.8", "gzip"],
    ["br;q=0, *", "gzip"],
    ["*;q=0.5", "br"],
    ["gzip;q=0, br;q=0", undefined],
    ["identity", undefined],
    ["deflate", undefined],
    ["", undefined],
    [undefined, undefined],
  ] as const)("answers Accept-Encoding %s with %s", (header, encoding) => {
    expect(preferredEncoding(header)).toBe(encoding);
  });

  it("keeps each coding decodable to the very same bytes", () => {
    const body = Buffer.from("<!doctype html>".repeat(200));
    const coded = precompressed(body);
    expect(coded.identity).toBe(body);
    expect(brotliDecompressSync(coded.br).equals(body)).toBe(true);
    expect(gunzipSync(coded.gzip).equals(body)).toBe(true);
    expect(coded.br.length).toBeLessThan(body.length / 10);
  });
});
