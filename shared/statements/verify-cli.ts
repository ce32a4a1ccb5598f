import { readFile, writeFile } from "node:fs/promises";
import type { JSONWebKeySet } from "jose";
import { checkpointOf, verifyStatement } from "./verify.ts";

/**
 * `npm run verify-statement -- <statement.json>… [--jwks <file or URL>] [--from-checkpoint <file>]
 * [--save-checkpoint <file>]`: checks a signed statement (GET /v1/me/statement, every page: one file per
 * page, or one file holding `{"pages": […]}`) without the service: the merchant's signatures, and the hash
 * chain recomputed entry by entry across the pages. With a JWKS file nothing goes over the network. From a
 * checkpoint saved by an earlier run, a statement fetched with `?after=<its seq>` holds, and costs, only the
 * entries since. `--download <API base URL>` (portal token in PORTAL_TOKEN, `--after <seq>`) fetches every page
 * into the one file named. Exit code 0: valid; 1: not valid; 2: the files could not be read.
 */

const USAGE = [
  "usage: npm run verify-statement -- <statement.json>… [--jwks <jwks.json or https://…/jwks.json>]",
  "         [--from-checkpoint <checkpoint.json>] [--save-checkpoint <checkpoint.json>]",
  "       PORTAL_TOKEN=… npm run verify-statement -- --download <https://api…> <statement.json> [--after <seq>]",
].join("\n");

const OPTIONS = new Set(["--jwks", "--from-checkpoint", "--save-checkpoint", "--download", "--after"]);

async function readJson(source: string): Promise<unknown> {
  if (/^https?:\/\//.test(source)) {
    const response = await fetch(source);
    if (!response.ok) throw new Error(`${source} answered ${response.status}`);
    return response.json();
  }
  return JSON.parse(await readFile(source, "utf8"));
}

function parseArgs(args: string[]): { files: string[]; options: Map<string, string> } | undefined {
  const files: string[] = [];
  const options = new Map<string, string>();
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    if (!arg.startsWith("--")) {
      files.push(arg);
      continue;
    }
    const value = args[i + 1];
    if (!OPTIONS.has(arg) || value === undefined || value.startsWith("--")) return undefined;
    options.set(arg, value);
    i++;
  }
  return { files, options };
}

/** Every page, following `nextCursor`, into one `{pages}` file. */
async function download(baseUrl: string, file: string, after: string | undefined): Promise<number> {
  const token = process.env.PORTAL_TOKEN;
  if (!token) {
    console.error(`PORTAL_TOKEN must hold the portal token.\n${USAGE}`);
    return 2;
  }
  const pages: unknown[] = [];
  let query = after === undefined ? "" : `?after=${encodeURIComponent(after)}`;
  for (;;) {
    const response = await fetch(`${baseUrl.replace(/\/$/, "")}/v1/me/statement${query}`, {
      headers: { authorization: `Bearer ${token}` },
    });
    if (!response.ok) throw new Error(`the statement page answered ${response.status}`);
    const page = (await response.json()) as { nextCursor?: string | null };
    pages.push(page);
    if (!page.nextCursor) break;
    query = `?cursor=${encodeURIComponent(page.nextCursor)}`;
  }
  await writeFile(file, JSON.stringify({ pages }));
  console.log(`${pages.length} page(s) saved to ${file}.`);
  return 0;
}

async function main(args: string[]): Promise<number> {
  const parsed = parseArgs(args);
  if (!parsed || parsed.files.length === 0) {
    console.error(USAGE);
    return 2;
  }
  const { files, options } = parsed;
  const downloadFrom = options.get("--download");
  if (downloadFrom) return download(downloadFrom, files[0] as string, options.get("--after"));

  const documents = await Promise.all(files.map(readJson));
  const pages = documents.flatMap((document) => {
    const d = document as { pages?: unknown };
    return Array.isArray(document) ? document : Array.isArray(d?.pages) ? d.pages : [document];
  }) as { statement?: { jwksUrl?: unknown } }[];
  let keySource = options.get("--jwks");
  if (!keySource) {
    const named = pages[0]?.statement?.jwksUrl;
    if (typeof named !== "string") {
      console.error(`${files[0]} names no key set; give one with --jwks.\n${USAGE}`);
      return 2;
    }
    keySource = named;
    // Keys named by the document itself prove only that it is self-consistent.
    console.warn(
      `Keys taken from the statement itself (${keySource}); pass --jwks with the merchant's published keys to pin them.`,
    );
  }
  const jwks = (await readJson(keySource)) as JSONWebKeySet;
  const checkpointFile = options.get("--from-checkpoint");
  const verdict = await verifyStatement(
    pages,
    jwks,
    checkpointFile ? { checkpoint: await readJson(checkpointFile) } : {},
  );
  const { signature, chain, checkpoint } = verdict;
  const count = pages.length === 1 ? "" : ` (${pages.length} pages)`;
  console.log(
    signature.valid
      ? `signature: valid (key ${signature.kid})${count}`
      : `signature: NOT VALID: ${signature.reason}`,
  );
  if (checkpoint) {
    console.log(
      checkpoint.valid
        ? `checkpoint: valid (from entry ${checkpoint.seq})`
        : `checkpoint: NOT VALID: ${checkpoint.reason}`,
    );
  }
  console.log(
    chain.valid
      ? `chain: valid (${chain.entries} entries, head ${chain.head})`
      : `chain: NOT VALID at entry ${chain.firstInvalidEntryId ?? "-"}: ${chain.reason}`,
  );
  console.log(verdict.valid ? "The statement is valid." : "The statement is NOT valid.");
  const saveTo = options.get("--save-checkpoint");
  if (verdict.valid && saveTo) {
    const saved = checkpointOf(pages);
    await writeFile(saveTo, `${JSON.stringify(saved, null, 2)}\n`);
    console.log(`Checkpoint saved to ${saveTo}: next time, fetch the statement with ?after=${saved?.seq}.`);
  }
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
