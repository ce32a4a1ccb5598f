import type { Principal } from "../auth/principal.ts";
import { API_INTEGRATION_TIMEOUT_SECONDS, budgetFromEnv } from "../budgets.ts";
import type { Clock } from "../clock.ts";
import { DomainError, notFound } from "../errors.ts";
import { EXPORT_RETENTION_DAYS, type FileStore, LINK_TTL_SECONDS } from "../files/file-store.ts";
import { type Idempotency, idempotencyFrom } from "../idempotency.ts";
import { newId } from "../ids.ts";
import { logger } from "../logger.ts";
import type { Role } from "../model.ts";
import { runWrite, type WriteResult } from "../pipeline/write.ts";
import { spendRateLimit } from "../rate-limit.ts";
import type { Db } from "../store/db/client.ts";
import { runningExportPutItem } from "../store/exports.ts";
import type { RateWindow } from "../store/rate-limits.ts";
import { writeAccessExport } from "./access-export.ts";
import { type PageObserver, writeActivityCsv, writeMembersCsv } from "./csv-export.ts";
import { budgetedSink, chunkedSink } from "./sink.ts";

export const EXPORT_KINDS = ["members", "activity"] as const;

/**
 * A member's own access exports (`POST /v1/me/export`): each reads their whole ledger and writes a file, and
 * the portal link is all it takes, so a leaked link or a looping page is held to a few an hour. A replay of a
 * key already answered is not counted (it is answered before anything is produced).
 */
export const MEMBER_EXPORTS_PER_HOUR = 3;
export type ExportKind = (typeof EXPORT_KINDS)[number] | "customer";

export interface ExportDeps {
  db: Db;
  clock: Clock;
  files: FileStore;
  /** Tests watch the page sizes the producers hold. */
  observe?: PageObserver;
  /** How long producing may take (the API's handlers: exportBudgetMs()); unbounded when absent. */
  budgetMs?: number;
  /** Rows gathered per write to the file (CHUNK_BYTES); tests make it small to fail a file mid-way. */
  chunkBytes?: number;
}

/**
 * An export produced in the request must end before API Gateway's integration timeout
 * (API_INTEGRATION_TIMEOUT_SECONDS, 16 s) with room for the record and the answer. Past it a members or
 * activity export is handed to the export job (shared/exports/job.ts: `running`, 202); a customer's access
 * export, bounded by one member's ledger, is refused (`export-too-large`, 422), its file aborted.
 */
export const EXPORT_BUDGET_MS = API_INTEGRATION_TIMEOUT_SECONDS * 1000 - 4_000;
/** The budget of an export produced in a request; `EXPORT_BUDGET_MS` in the environment overrides it. */
export const exportBudgetMs = () => budgetFromEnv("EXPORT_BUDGET_MS", EXPORT_BUDGET_MS);

/** Whose view of the activity log a job-produced export reads: the requester's, as the request saw it. */
export interface ExportScope {
  staffId: string;
  role: Role;
  locationIds: string[] | "*";
}

/** What is kept about an export, beside its file: the idempotent result, and the record GET reads. */
export interface ExportRecord {
  id: string;
  merchantId: string;
  kind: ExportKind;
  /** `running`: handed to the export job, no file yet; `failed`: the job gave up (EXPORT_MAX_ATTEMPTS). */
  status: "running" | "ready" | "failed";
  from: string | null;
  to: string | null;
  customerId: string | null;
  /** CSV rows below the header, or ledger entries in a customer's export. */
  rows: number;
  bytes: number;
  createdAt: string;
  /** When the file store deletes the file (the bucket's lifecycle rule). */
  deletedAfter: string;
  /** Milliseconds it took to produce, for the logs and capacity planning. */
  tookMs: number;
  /** Runs of the export job that started the file (0 when the request produced it). */
  attempts?: number;
  /** What the job needs to produce it: the requester's scope (absent on an export the request produced). */
  scope?: ExportScope;
}

const prefix = (merchantId: string) => `exports/${merchantId}`;
const fileKey = (r: Pick<ExportRecord, "merchantId" | "id" | "kind">) =>
  `${prefix(r.merchantId)}/${r.id}.${r.kind === "customer" ? "json" : "csv"}`;
const recordKey = (merchantId: string, id: string) => `${prefix(merchantId)}/${id}.record.json`;
const downloadName = (r: ExportRecord) =>
  r.kind === "customer"
    ? `customer-${r.customerId}-${r.createdAt.slice(0, 10)}.json`
    : `${r.kind}-${r.createdAt.slice(0, 10)}.csv`;

/**
 * An export as the API shows it: the record and, once its file is ready, a fresh download link, valid
 * LINK_TTL_SECONDS (null while running or after a failure).
 */
export async function exportView(files: FileStore, record: ExportRecord, now: Date) {
  const linkExpiresAt = new Date(now.getTime() + LINK_TTL_SECONDS * 1000);
  const { merchantId: _m, tookMs: _t, scope: _s, attempts, ...shown } = record;
  const ready = record.status === "ready";
  return {
    ...shown,
    attempts: attempts ?? 0,
    link: ready ? await files.link(fileKey(record), linkExpiresAt, downloadName(record)) : null,
    linkExpiresAt: ready ? linkExpiresAt.toISOString() : null,
  };
}

interface Request {
  kind: ExportKind;
  from?: string;
  to?: string;
  customerId?: string;
}

/**
 * Writes the export's file, streamed into the file store a page at a time, and stops (aborting the file)
 * with `export-too-large` once `overdue()` says time is up. The file appears under its key only once whole,
 * so a run that dies or is stopped leaves nothing a link could serve, and a later run starts it afresh.
 */
export async function writeExportFile(
  deps: ExportDeps,
  principal: Principal | { merchantId: string },
  record: ExportRecord,
  overdue?: () => boolean,
): Promise<{ rows: number; bytes: number }> {
  const { db, files } = deps;
  const { merchantId } = record;
  const writer = files.create(
    fileKey(record),
    record.kind === "customer" ? "application/json" : "text/csv; charset=utf-8",
  );
  const chunked = chunkedSink(writer, deps.chunkBytes);
  const sink = overdue ? budgetedSink(chunked, overdue) : chunked;
  const range = { ...(record.from ? { from: record.from } : {}), ...(record.to ? { to: record.to } : {}) };
  try {
    const rows =
      record.kind === "members"
        ? (await writeMembersCsv(db, merchantId, sink, deps.observe)).rows
        : record.kind === "activity"
          ? (await writeActivityCsv(db, principal as Principal, range, sink, deps.observe)).rows
          : (
              await writeAccessExport(
                db,
                merchantId,
                record.customerId as string,
                sink,
                new Date(record.createdAt),
                deps.observe,
              )
            ).entries;
    return { rows, bytes: (await writer.close()).bytes };
  } catch (error) {
    await writer.abort().catch(() => undefined);
    throw error;
  }
}

export const saveExportRecord = (files: FileStore, record: ExportRecord) =>
  files.putSmall(recordKey(record.merchantId, record.id), JSON.stringify(record));

/**
 * Produces the export in the request within the request's budget when one is given, and records it. A
 * members or activity export that passes the budget (measured: about 39,000 rows in 12 s on DynamoDB
 * Local; README "Exports") is recorded as `running` instead and put on the export job's list in the same
 * transaction as the Idempotency-Key's record, which holds the export's record: a retry gets the same
 * export, running or ready, never a second file.
 */
async function produce(
  deps: ExportDeps,
  principal: Principal | { merchantId: string },
  request: Request,
  idempotency: Idempotency,
  limit?: RateWindow,
): Promise<WriteResult<ExportRecord>> {
  const { db, files } = deps;
  const { merchantId } = principal;
  return runWrite(deps, {
    name: `exports.${request.kind}`,
    merchantId,
    idempotency,
    load: async () => {
      // Here, after the replay check: a retry of an answered key costs nothing and is never refused.
      if (limit) await spendRateLimit(db, limit, deps.clock());
      const started = deps.clock();
      const record: ExportRecord = {
        id: newId("exp", started),
        merchantId,
        kind: request.kind,
        status: "ready",
        from: request.from ?? null,
        to: request.to ?? null,
        customerId: request.customerId ?? null,
        rows: 0,
        bytes: 0,
        createdAt: started.toISOString(),
        deletedAfter: new Date(started.getTime() + EXPORT_RETENTION_DAYS * 86_400_000).toISOString(),
        tookMs: 0,
      };
      const deadline = deps.budgetMs === undefined ? undefined : started.getTime() + deps.budgetMs;
      const overdue = deadline === undefined ? undefined : () => deps.clock().getTime() > deadline;
      try {
        Object.assign(record, await writeExportFile(deps, principal, record, overdue));
      } catch (error) {
        const handOff =
          request.kind !== "customer" && error instanceof DomainError && error.kind === "export-too-large";
        if (!handOff) throw error;
        const staff = principal as Principal;
        Object.assign(record, {
          status: "running",
          attempts: 0,
          scope: { staffId: staff.staffId, role: staff.role, locationIds: staff.locationIds },
        } satisfies Partial<ExportRecord>);
      }
      record.tookMs = Date.now() - started.getTime();
      // Before the job's list gets it, so the job never finds an export without its record.
      await saveExportRecord(files, record);
      // No personal data: counts and ids only.
      logger.info(record.status === "running" ? "export handed to the job" : "export produced", {
        exportId: record.id,
        kind: record.kind,
        rows: record.rows,
        bytes: record.bytes,
        tookMs: record.tookMs,
      });
      return record;
    },
    attempt: async (record) => ({
      items: record.status === "running" ? [runningExportPutItem(db, merchantId, record.id)] : [],
      result: record,
    }),
  });
}

export function createExport(
  deps: ExportDeps,
  principal: Principal,
  input: { kind: (typeof EXPORT_KINDS)[number]; from?: string; to?: string },
  idempotencyKey: string | undefined,
) {
  return produce(deps, principal, input, idempotencyFrom(idempotencyKey, "exports.create", input));
}

/**
 * The access export of one customer: staff (data:export) and the member themselves reach the same code.
 * The member's key is kept apart from staff keys (`me:<customer>:`), so one member's key can never
 * replay, or block, another's.
 */
export function createCustomerExport(
  deps: ExportDeps,
  merchantId: string,
  customerId: string,
  idempotencyKey: string | undefined,
  by: "staff" | "member",
) {
  const idempotency = idempotencyFrom(idempotencyKey, "exports.customer", { customerId });
  if (by === "member") idempotency.key = `me:${customerId}:${idempotency.key}`;
  const limit: RateWindow | undefined =
    by === "member"
      ? {
          scope: "member-export",
          subject: [merchantId, customerId],
          seconds: 3600,
          limit: MEMBER_EXPORTS_PER_HOUR,
        }
      : undefined;
  return produce(deps, { merchantId }, { kind: "customer", customerId }, idempotency, limit);
}

/** An export's record as saved, or undefined. */
export async function readExportRecord(
  files: FileStore,
  merchantId: string,
  exportId: string,
): Promise<ExportRecord | undefined> {
  const text = /^exp_[0-9A-Z]{26}$/.test(exportId)
    ? await files.getSmall(recordKey(merchantId, exportId))
    : undefined;
  return text ? (JSON.parse(text) as ExportRecord) : undefined;
}

/** A recorded export of this merchant; another merchant's id is a 404 like a missing one. */
export async function requireExport(
  files: FileStore,
  merchantId: string,
  exportId: string,
): Promise<ExportRecord> {
  const record = await readExportRecord(files, merchantId, exportId);
  if (!record) throw notFound("Export");
  return record;
}
