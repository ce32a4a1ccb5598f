import type { Principal } from "../auth/principal.ts";
import { JOB_FUNCTION_TIMEOUT_SECONDS } from "../budgets.ts";
import { logger } from "../logger.ts";
import {
  claimRunningExport,
  listRunningExports,
  type RunningExport,
  releaseRunningExport,
  removeRunningExport,
} from "../store/exports.ts";
import {
  type ExportDeps,
  type ExportRecord,
  readExportRecord,
  saveExportRecord,
  writeExportFile,
} from "./exports.ts";

/** Runs that may start an export's file before it is `failed`: a fault that outlives three is not passing. */
export const EXPORT_MAX_ATTEMPTS = 3;

/**
 * How long a run holds the export it took: longer than the function can live (JOB_FUNCTION_TIMEOUT_SECONDS),
 * so no live run loses its export to another, and a run that died gives it up a minute after it would have
 * been stopped.
 */
export const EXPORT_LEASE_MS = (JOB_FUNCTION_TIMEOUT_SECONDS + 60) * 1000;

/** Exports one run looks at: a merchant asks for one at a time, so few wait. */
const EXPORTS_PER_RUN = 20;

export interface ExportJobBudget {
  /** The time the invocation has left (context.getRemainingTimeInMillis on Lambda). */
  remainingMs: () => number;
  /** Another export's file is started only with this much left: it is produced in one go. */
  startMs: number;
  /** A file still being written with this much left is aborted (the attempt counts) before Lambda cuts it. */
  reserveMs: number;
}

export interface ExportJobResult {
  exports: number;
  produced: number;
  failed: number;
  /** False when exports were left for lack of time, or a failed attempt is to be tried again. */
  complete: boolean;
}

/** The requester, as the request saw them, reading the activity log (their locations). */
const principalOf = (record: ExportRecord): Principal => ({
  merchantId: record.merchantId,
  staffId: record.scope?.staffId ?? "",
  role: record.scope?.role ?? "owner",
  locationIds: record.scope?.locationIds ?? [],
  permissions: new Set(),
});

async function giveUp(deps: ExportDeps, running: RunningExport, record: ExportRecord | undefined) {
  if (record) await saveExportRecord(deps.files, { ...record, status: "failed", attempts: running.attempts });
  await removeRunningExport(deps.db, running.merchantId, running.exportId);
  logger.error("export failed", { exportId: running.exportId, attempts: running.attempts });
}

/**
 * The export job: each export the requests handed over (shared/exports/exports.ts), taken under a lease and
 * produced from the start in one go (a file is never resumed: the store only shows whole files), then
 * recorded `ready` with its counts. A failed attempt lets the export go for the next run; the third makes it
 * `failed`, as does a run that took it for the third time and died.
 */
export async function runExportJob(deps: ExportDeps, budget: ExportJobBudget): Promise<ExportJobResult> {
  const { db, files } = deps;
  const running = await listRunningExports(db, EXPORTS_PER_RUN);
  const result: ExportJobResult = { exports: running.length, produced: 0, failed: 0, complete: true };
  for (const job of running) {
    if (budget.remainingMs() < budget.startMs) {
      result.complete = false;
      break;
    }
    try {
      const now = deps.clock();
      // Another run is on it (or died with it, until its lease ends).
      if (job.leaseUntil > now.getTime()) continue;
      const record = await readExportRecord(files, job.merchantId, job.exportId);
      if (record?.status !== "running") {
        // Nothing left to produce (its record is gone with the file store's lifecycle, or already settled).
        await removeRunningExport(db, job.merchantId, job.exportId);
        continue;
      }
      if (job.attempts >= EXPORT_MAX_ATTEMPTS) {
        // Its last run died holding it.
        result.failed += 1;
        await giveUp(deps, job, record);
        continue;
      }
      const attempts = await claimRunningExport(
        db,
        job.merchantId,
        job.exportId,
        now,
        new Date(now.getTime() + EXPORT_LEASE_MS),
        EXPORT_MAX_ATTEMPTS,
      );
      if (attempts === undefined) continue;
      const started = Date.now();
      try {
        const written = await writeExportFile(
          deps,
          principalOf(record),
          record,
          () => budget.remainingMs() < budget.reserveMs,
        );
        await saveExportRecord(files, {
          ...record,
          ...written,
          status: "ready",
          attempts,
          tookMs: Date.now() - started,
        });
        await removeRunningExport(db, job.merchantId, job.exportId);
        result.produced += 1;
        // No personal data: counts and ids only.
        logger.info("export produced", {
          exportId: record.id,
          kind: record.kind,
          rows: written.rows,
          bytes: written.bytes,
          attempts,
          tookMs: Date.now() - started,
        });
      } catch (error) {
        logger.error("export attempt failed", { exportId: record.id, attempts, error });
        if (attempts >= EXPORT_MAX_ATTEMPTS) {
          result.failed += 1;
          await giveUp(deps, { ...job, attempts }, record);
        } else {
          await saveExportRecord(files, { ...record, attempts });
          await releaseRunningExport(db, job.merchantId, job.exportId);
          result.complete = false;
        }
      }
    } catch (error) {
      // One export's trouble (the store or the table unavailable) does not stop the others; its lease or the
      // list keeps it for a later run.
      logger.error("export step failed", { exportId: job.exportId, error });
      result.complete = false;
    }
  }
  return result;
}
