import { readFile } from "node:fs/promises";
import type { JSONWebKeySet } from "jose";
import { verifyStatement } from "./verify.ts";

/**
 * `npm run verify-statement -- <statement.json> [--jwks <file or URL>]`: checks a signed statement
 * (GET /v1/me/statement) without the service: the merchant's signature, and the hash chain recomputed
 * entry by entry. With a JWKS file nothing goes over the network. Exit code 0: valid; 1: not valid;
 * 2: the files could not be read.
 */

const USAGE =
  "usage: npm run verify-statement -- <statement.json> [--jwks <jwks.json or https://…/jwks.json>]";

async function readJson(source: string): Promise<unknown> {
  if (/^https?:\/\//.test(source)) {
    const response = await fetch(source);
    if (!response.ok) throw new Error(`${source} answered ${response.status}`);
    return response.json();
  }
  return JSON.parse(await readFile(source, "utf8"));
}

async function main(args: string[]): Promise<number> {
  const jwksAt = args.indexOf("--jwks");
  const jwksSource = jwksAt >= 0 ? args[jwksAt + 1] : undefined;
  const file = args.find((arg, i) => !arg.startsWith("--") && (jwksAt < 0 || i !== jwksAt + 1));
  if (!file || (jwksAt >= 0 && !jwksSource)) {
    console.error(USAGE);
    return 2;
  }
  const document = (await readJson(file)) as { statement?: { jwksUrl?: unknown } };
  let keySource = jwksSource;
  if (!keySource) {
    if (typeof document.statement?.jwksUrl !== "string") {
      console.error(`${file} names no key set; give one with --jwks.\n${USAGE}`);
      return 2;
    }
    keySource = document.statement.jwksUrl;
    // Keys named by the document itself prove only that it is self-consistent.
    console.warn(
      `Keys taken from the statement itself (${keySource}); pass --jwks with the merchant's published keys to pin them.`,
    );
  }
  const jwks = (await readJson(keySource)) as JSONWebKeySet;
  const verdict = await verifyStatement(document, jwks);
  const { signature, chain } = verdict;
  console.log(
    signature.valid ? `signature: valid (key ${signature.kid})` : `signature: NOT VALID: ${signature.reason}`,
  );
  console.log(
    chain.valid
      ? `chain: valid (${chain.entries} entries, head ${chain.head})`
      : `chain: NOT VALID at entry ${chain.firstInvalidEntryId ?? "-"}: ${chain.reason}`,
  );
  console.log(verdict.valid ? "The statement is valid." : "The statement is NOT valid.");
  return verdict.valid ? 0 : 1;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(`verify-statement: ${(error as Error).message}`);
    process.exitCode = 2;
  },
);
