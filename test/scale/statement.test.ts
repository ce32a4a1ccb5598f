import { beforeAll, describe, expect, it } from "vitest";
import { enrolCustomer } from "../../shared/customers/enrol.ts";
import { publicKeys, type SigningDeps } from "../../shared/keys/signing-keys.ts";
import {
  STATEMENT_PAGE_ENTRIES,
  type StatementPage,
  statementPage,
} from "../../shared/statements/statement.ts";
import { checkpointOf, verifyStatement } from "../../shared/statements/verify.ts";
import type { Db } from "../../shared/store/db/client.ts";
import { meterCapacity } from "../support/capacity-meter.ts";
import { merchantWithLocations } from "../support/ledger-merchant.ts";
import { memoryKeyBackend } from "../support/memory-keys.ts";
import { onItsOwnDatabase } from "../support/own-dynamodb.ts";
import { appendChainedEntries } from "../support/scale-seed.ts";

/**
 * A 20,000-entry customer gets a statement that verifies (issue 19): in pages no larger than Lambda's 6 MB
 * response, each read and signed in a bounded number of reads. The entries are seeded straight through the
 * store, chained as the ledger chains them (20,000 earns through the pipeline would take most of an hour).
 */

const ENTRIES = Number(process.env.SCALE_STATEMENT_ENTRIES ?? 20_000);
const LAMBDA_RESPONSE_BYTES = 6 * 1024 * 1024;
let db: Db;
let deps: SigningDeps;
const now = new Date("2026-06-01T09:00:00.000Z");

/** `count` entries after the customer's head, chained, written straight; the profile follows. */
const seed = (merchantId: string, customerId: string, count: number) =>
  appendChainedEntries(db, merchantId, customerId, count, now);

/** Every page, following the cursors, as a client of GET /v1/me/statement would. */
async function allPages(member: { merchantId: string; customerId: string }, after?: number) {
  const pages: StatementPage[] = [];
  let page = await statementPage(deps, member, "https://api.example", after === undefined ? {} : { after });
  pages.push(page);
  while (page.nextCursor) {
    page = await statementPage(deps, member, "https://api.example", { cursor: page.nextCursor });
    pages.push(page);
  }
  return pages;
}

onItsOwnDatabase((own) => {
  db = own;
});

beforeAll(async () => {
  deps = { db, clock: () => now, backend: memoryKeyBackend() };
});

describe(`the statement of a ${ENTRIES.toLocaleString("en")}-entry customer`, () => {
  // Seeding 20,000 entries into the DynamoDB Local the other scale files have filled took past 15 minutes in CI.
  it("comes in pages under Lambda's response limit, each a bounded read, and verifies whole", async () => {
    const owner = await merchantWithLocations(db, now, {
      shop: { rule: { kind: "purchase", currency: "EUR", points: 1, per: "1.00", rounding: "down" } },
    });
    const { merchantId } = owner;
    const customerId = (await enrolCustomer({ db, clock: () => now }, merchantId, { name: "Regular" })).result
      .customer.id as string;
    await seed(merchantId, customerId, ENTRIES);
    const member = { merchantId, customerId };

    const meter = meterCapacity(db);
    let pages: StatementPage[] = [];
    const read = await meter.measure(async () => {
      pages = await allPages(member);
    });
    expect(pages).toHaveLength(Math.ceil(ENTRIES / STATEMENT_PAGE_ENTRIES));
    const sizes = pages.map((p) => Buffer.byteLength(JSON.stringify(p)));
    expect(Math.max(...sizes)).toBeLessThan(LAMBDA_RESPONSE_BYTES);
    const jwks = { keys: await publicKeys(db, merchantId, "statement") };
    const verdict = await verifyStatement({ pages }, jwks);
    expect(verdict.valid).toBe(true);
    expect(verdict.chain).toMatchObject({ valid: true, entries: ENTRIES });
    // Items read per page: its entries and a handful of others, never the ledger before it.
    expect(read.itemsRead / pages.length).toBeLessThan(STATEMENT_PAGE_ENTRIES + 10);
    console.log(
      `${ENTRIES} entries: ${pages.length} pages, largest ${(Math.max(...sizes) / 1e6).toFixed(2)} MB, ` +
        `${read.itemsRead} items and ${read.readUnits} read units in all (${Math.round(read.readUnits / pages.length)} a page)`,
    );

    // A checkpoint from this statement; 500 entries later, only those are fetched and checked.
    const checkpoint = checkpointOf({ pages });
    await seed(merchantId, customerId, 500);
    const since = await allPages(member, ENTRIES);
    expect(since.flatMap((p) => p.statement.entries)).toHaveLength(500);
    const fromCheckpoint = await verifyStatement(since, jwks, { checkpoint });
    expect(fromCheckpoint).toMatchObject({
      valid: true,
      chain: { valid: true, entries: 500 },
      checkpoint: { valid: true, seq: ENTRIES },
    });
  });
});
