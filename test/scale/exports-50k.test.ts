import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { BatchWriteCommand } from "@aws-sdk/lib-dynamodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { nameTokens } from "../../shared/customers/contact.ts";
import { EXPORT_PAGE_SIZE } from "../../shared/exports/csv-export.ts";
import { createExport, type ExportRecord, readExportRecord } from "../../shared/exports/exports.ts";
import { runExportJob } from "../../shared/exports/job.ts";
import { CHUNK_BYTES } from "../../shared/exports/sink.ts";
import type { FileStore } from "../../shared/files/file-store.ts";
import { localFileStore } from "../../shared/files/local-store.ts";
import type { Customer } from "../../shared/model.ts";
import { nameIndexChanges } from "../../shared/store/customers/names.ts";
import { newProfileItem } from "../../shared/store/customers/profile.ts";
import type { Db } from "../../shared/store/db/client.ts";
import { merchantWithLocations, ownerOf } from "../support/ledger-merchant.ts";
import { onItsOwnDatabase } from "../support/own-dynamodb.ts";

/**
 * A members export of 50,000 rows (issue 21: "export of 50,000 rows without loading it all in memory"):
 * past the request's budget it goes to the export job, whose producer never holds more than one page of
 * profiles; the file store receives bounded chunks, and the file holds every member once. The job's time is
 * printed for the README.
 */

const MEMBERS = 50_000;
let db: Db;
let merchantId: string;
let dir: string;
const at = new Date("2026-01-01T09:00:00.000Z");

onItsOwnDatabase((own) => {
  db = own;
});

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "exports-50k-"));
  merchantId = (await merchantWithLocations(db, at, {})).merchantId;
  const items: Record<string, unknown>[] = [];
  for (let i = 0; i < MEMBERS; i++) {
    const name = i % 7 === 0 ? `=cmd ${i}` : `Membre, "n°${i}"`;
    const customer: Customer = {
      merchantId,
      id: `cus_m${String(i).padStart(6, "0")}`,
      name,
      phone: `+3361${String(i).padStart(7, "0")}`,
      locale: "fr",
      marketingConsent: i % 2 === 0,
      barcode: `M${i}`,
      passSerial: `pass_m${i}`,
      passToken: "t",
      balance: i % 1000,
      seq: 0,
      headHash: "0".repeat(64),
      lastVisits: {},
      createdAt: at.toISOString(),
      updatedAt: at.toISOString(),
    };
    // The profile and the whole-name row (the one the export pages through), as enrolment writes them.
    const full = nameIndexChanges(db, merchantId, customer.id, [], nameTokens(name)).filter((n) =>
      n.name.startsWith("name:="),
    );
    for (const named of [newProfileItem(db, customer), ...full]) {
      items.push((named.item.Put as { Item: Record<string, unknown> }).Item);
    }
  }
  const batches: Record<string, unknown>[][] = [];
  for (let i = 0; i < items.length; i += 25) batches.push(items.slice(i, i + 25));
  // A few batches in flight: the seeding is not what is measured.
  await Promise.all(
    Array.from({ length: 4 }, async (_, lane) => {
      for (let b = lane; b < batches.length; b += 4) {
        let pending = {
          [db.table]: (batches[b] as Record<string, unknown>[]).map((Item) => ({ PutRequest: { Item } })),
        };
        while (Object.keys(pending).length > 0) {
          const { UnprocessedItems } = await db.client.send(new BatchWriteCommand({ RequestItems: pending }));
          pending = (UnprocessedItems ?? {}) as typeof pending;
        }
      }
    }),
  );
}, 900_000);

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe("members export at 50,000 rows", () => {
  it("streams every member in bounded pages and chunks", async () => {
    const local = localFileStore({ dir, baseUrl: "http://127.0.0.1:1", signingKey: Buffer.alloc(32, 1) });
    const chunks: number[] = [];
    // The writer the export gets: the local store's, watched.
    const files: FileStore = {
      ...local,
      create(key, type) {
        const writer = local.create(key, type);
        return {
          ...writer,
          write: (chunk) => {
            chunks.push(chunk.length);
            return writer.write(chunk);
          },
        };
      },
    };
    const pages: number[] = [];
    const clock = () => new Date();
    // Past the request's budget (1 ms here, 12 s in the API) the export is handed to the job, which makes it.
    const accepted = await createExport(
      { db, clock, files, budgetMs: 1 },
      ownerOf(merchantId),
      { kind: "members" },
      "exports-50k",
    );
    expect(accepted.result.status).toBe("running");
    chunks.length = 0;
    const started = performance.now();
    const run = await runExportJob(
      { db, clock, files, observe: (rows) => pages.push(rows) },
      { remainingMs: () => 15 * 60_000, startMs: 60_000, reserveMs: 30_000 },
    );
    const tookMs = performance.now() - started;
    expect(run).toMatchObject({ produced: 1, failed: 0 });
    const result = (await readExportRecord(files, merchantId, accepted.result.id)) as ExportRecord;
    console.log(
      JSON.stringify({
        case: "members export (export job)",
        rows: result.rows,
        bytes: result.bytes,
        tookMs: Math.round(tookMs),
      }),
    );
    expect(result).toMatchObject({ status: "ready", attempts: 1 });
    expect(result.rows).toBe(MEMBERS);
    // Never more than a page of profiles at once, and the file received in bounded pieces.
    expect(Math.max(...pages)).toBeLessThanOrEqual(EXPORT_PAGE_SIZE);
    expect(pages.length).toBeGreaterThanOrEqual(MEMBERS / EXPORT_PAGE_SIZE);
    expect(Math.max(...chunks)).toBeLessThan(CHUNK_BYTES + 1024);
    expect(chunks.length).toBeGreaterThan(result.bytes / (CHUNK_BYTES + 1024));
    const text = await readFile(join(dir, "exports", merchantId, `${result.id}.csv`), "utf8");
    const lines = text.split("\r\n").filter(Boolean);
    expect(lines).toHaveLength(MEMBERS + 1);
    expect(new Set(lines.slice(1).map((line) => line.split(",")[0])).size).toBe(MEMBERS);
    expect(text).toContain("'=cmd 7,");
  });
});
