import { brotliCompressSync, constants, gzipSync } from "node:zlib";

/** The encodings a static body is kept in besides identity, best first when a client rates them equal. */
export type Encoding = "br" | "gzip";
const ENCODINGS: readonly Encoding[] = ["br", "gzip"];

/**
 * The encoding to answer with under an Accept-Encoding header (RFC 9110 §12.5.3), or undefined for the
 * plain body: the acceptable coding with the highest q, brotli before gzip on a tie; `*` stands for any
 * coding the header does not name; q=0 refuses. No header, or one naming neither, gets the plain body.
 */
export function preferredEncoding(header: string | undefined): Encoding | undefined {
  const weights = new Map<string, number>();
  for (const part of (header ?? "").split(",")) {
    const [coding = "", ...params] = part.trim().toLowerCase().split(";");
    if (!coding) continue;
    const q = params.map((p) => p.trim()).find((p) => p.startsWith("q="));
    const weight = q === undefined ? 1 : Number(q.slice(2));
    weights.set(coding.trim(), Number.isFinite(weight) ? weight : 0);
  }
  const weightOf = (coding: Encoding) => weights.get(coding) ?? weights.get("*") ?? 0;
  let best: Encoding | undefined;
  for (const coding of ENCODINGS) {
    if (weightOf(coding) > 0 && (best === undefined || weightOf(coding) > weightOf(best))) best = coding;
  }
  return best;
}

/** A body compressed once, at cold start, in every encoding (the portal page is the same for everyone). */
export function precompressed(body: Buffer): Record<Encoding | "identity", Buffer> {
  return {
    identity: body,
    br: brotliCompressSync(body, {
      params: {
        [constants.BROTLI_PARAM_MODE]: constants.BROTLI_MODE_TEXT,
        [constants.BROTLI_PARAM_SIZE_HINT]: body.length,
      },
    }),
    gzip: gzipSync(body, { level: 9 }),
  };
}
