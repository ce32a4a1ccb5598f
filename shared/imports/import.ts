import { createHash } from "node:crypto";
import type { Principal } from "../auth/principal.ts";
import type { Clock } from "../clock.ts";
import { conflict, notFound, ValidationError } from "../errors.ts";
import { idempotencyFrom } from "../idempotency.ts";
import { newId } from "../ids.ts";
import { runWrite, type WriteResult } from "../pipeline/write.ts";
import type { Db } from "../store/db/client.ts";
import {
  claimContentHash,
  IMPORT_RUN_WITHIN_DAYS,
  importSaveItem,
  newImportItems,
  partPutItem,
  readImport,
} from "../store/imports.ts";
import { parseCsvLine } from "./csv.ts";
import {
  type ColumnMapping,
  IMPORT_FIELDS,
  type ImportField,
  type ImportLine,
  type ImportRecord,
} from "./model.ts";

/** Bounds of an import: what one file, one part and one line may hold. */
export const IMPORT_LIMITS = {
  /** Data lines in one file (the header not counted). */
  maxLines: 100_000,
  /** Lines in one part (the header included), and its size: well under Lambda's 6 MB and an item's 400 KB. */
  maxPartLines: 1_000,
  maxPartBytes: 256 * 1024,
  maxParts: 200,
  maxLineChars: 1_000,
  maxColumns: 50,
  maxPlatformChars: 40,
  maxHeaderChars: 64,
  maxNameChars: 100,
  maxReferenceChars: 64,
  /** An opening balance: a non-negative integer of at most this many points. */
  maxBalance: 100_000_000,
} as const;

export interface ImportDeps {
  db: Db;
  clock: Clock;
}

export interface NewImport {
  platform: string;
  asOf: string;
  delimiter?: "," | ";";
  columns: ColumnMapping;
}

const EMPTY_COUNTS = { create: 0, merge: 0, reject: 0, imported: 0, alreadyImported: 0, points: 0 };
const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");

/** POST /v1/imports: an import waiting for its file, in parts. */
export function createImport(
  deps: ImportDeps,
  principal: Principal,
  input: NewImport,
  idempotencyKey: string | undefined,
): Promise<WriteResult<{ import: ImportView }>> {
  const { merchantId } = principal;
  if (!input.columns.phone && !input.columns.email) {
    throw ValidationError.field("columns", "must map a phone or an email column");
  }
  const headers = Object.values(input.columns).map((h) => h.toLowerCase());
  if (new Set(headers).size !== headers.length) {
    throw ValidationError.field("columns", "must map each field to a different column");
  }
  return runWrite(deps, {
    name: "imports.create",
    merchantId,
    idempotency: idempotencyFrom(idempotencyKey, "imports.create", input),
    load: async () => undefined,
    attempt: async (_context, at) => {
      const now = at.toISOString();
      const record: ImportRecord = {
        id: newId("imp", at),
        merchantId,
        createdBy: principal.staffId,
        platform: input.platform,
        asOf: input.asOf,
        delimiter: input.delimiter ?? ",",
        columns: input.columns,
        status: "receiving",
        parts: 0,
        partStarts: [],
        nextLine: 1,
        lines: 0,
        contentHash: sha256(""),
        cursor: 2,
        counts: { ...EMPTY_COUNTS },
        version: 1,
        createdAt: now,
        updatedAt: now,
      };
      return { items: newImportItems(deps.db, record), result: { import: importView(record) } };
    },
  });
}

export async function requireImport(db: Db, principal: Principal, importId: string): Promise<ImportRecord> {
  const record = await readImport(db, principal.merchantId, importId);
  if (!record) throw notFound("Import");
  return record;
}

/** The header's column index of each mapped field; a mapped column missing from it is a 400. */
function columnIndexes(header: string, record: ImportRecord): Partial<Record<ImportField, number>> {
  const names = parseCsvLine(header, record.delimiter, IMPORT_LIMITS.maxColumns);
  if (!names) throw ValidationError.field("lines.0", "the header is not a valid CSV line");
  const folded = names.map((name) => name.toLowerCase());
  const indexes: Partial<Record<ImportField, number>> = {};
  for (const field of IMPORT_FIELDS) {
    const column = record.columns[field];
    if (column === undefined) continue;
    const index = folded.indexOf(column.toLowerCase());
    if (index === -1)
      throw ValidationError.field(`columns.${field}`, "is not a column of the header (line 1)");
    indexes[field] = index;
  }
  return indexes;
}

export interface NewPart {
  part: number;
  /** The file's next lines, in order (the first part starts with the header). */
  lines: string[];
  last: boolean;
}

/**
 * POST /v1/imports/{id}/parts: the next part of the file, in order. A part sent again with the same content
 * changes nothing (the same answer); other content under a number already received is a 409. The last part
 * fixes the file's content hash: a file an earlier import of the merchant received is a duplicate of it.
 */
export async function addPart(
  deps: ImportDeps,
  principal: Principal,
  importId: string,
  input: NewPart,
  idempotencyKey: string | undefined,
): Promise<WriteResult<{ import: ImportView }>> {
  const { db } = deps;
  const { merchantId } = principal;
  const { lines } = input;
  if (lines.length === 0) throw ValidationError.field("lines", "must hold at least one line");
  if (lines.length > IMPORT_LIMITS.maxPartLines) {
    throw ValidationError.field("lines", `must hold at most ${IMPORT_LIMITS.maxPartLines} lines`);
  }
  const long = lines.findIndex((line) => line.length > IMPORT_LIMITS.maxLineChars);
  if (long !== -1) {
    throw ValidationError.field(`lines.${long}`, `must be at most ${IMPORT_LIMITS.maxLineChars} characters`);
  }
  const joined = lines.join("\n");
  if (Buffer.byteLength(joined, "utf8") > IMPORT_LIMITS.maxPartBytes) {
    throw ValidationError.field("lines", `must be at most ${IMPORT_LIMITS.maxPartBytes} bytes in all`);
  }
  const hash = sha256(joined);
  return runWrite(deps, {
    name: "imports.part",
    merchantId,
    idempotency: idempotencyFrom(idempotencyKey, "imports.part", { importId, ...input }),
    load: async () => undefined,
    attempt: async (_context, at) => {
      const record = await requireImport(db, principal, importId);
      if (input.part <= record.parts) {
        // The same part again (its answer lost): the import as it is now, if it is the same content.
        if (record.partHashes?.[input.part - 1] !== hash) {
          throw conflict(`Part ${input.part} was received already, with other content.`, {
            part: input.part,
          });
        }
        return { items: [], result: { import: importView(record) } };
      }
      if (record.status !== "receiving") throw conflict("This import has received its last part.");
      if (input.part !== record.parts + 1) {
        throw conflict(`Part ${record.parts + 1} is the next part expected.`, { expected: record.parts + 1 });
      }
      if (input.part > IMPORT_LIMITS.maxParts) {
        throw ValidationError.field("part", `must be at most ${IMPORT_LIMITS.maxParts}`);
      }
      const dataLines = record.lines + lines.length - (input.part === 1 ? 1 : 0);
      if (dataLines > IMPORT_LIMITS.maxLines) {
        throw ValidationError.field(
          "lines",
          `the file must hold at most ${IMPORT_LIMITS.maxLines} data lines`,
        );
      }
      const indexes = input.part === 1 ? columnIndexes(lines[0] as string, record) : record.columnIndexes;
      // Chained line by line, so the same file has the same hash however it was cut into parts.
      const contentHash = lines.reduce((chain, line) => sha256(chain + sha256(line)), record.contentHash);
      let after: ImportRecord = {
        ...record,
        ...(indexes ? { columnIndexes: indexes } : {}),
        parts: input.part,
        partStarts: [...record.partStarts, record.nextLine],
        partHashes: [...(record.partHashes ?? []), hash],
        nextLine: record.nextLine + lines.length,
        lines: dataLines,
        contentHash,
        version: record.version + 1,
        updatedAt: at.toISOString(),
      };
      if (input.last) {
        if (dataLines === 0) throw ValidationError.field("lines", "the file holds no data line");
        const first = await claimContentHash(db, merchantId, contentHash, importId);
        after =
          first === importId
            ? { ...after, status: "validating" }
            : { ...after, status: "duplicate", duplicateOf: first };
      }
      return {
        items: [
          partPutItem(
            db,
            merchantId,
            importId,
            { part: input.part, firstLine: record.nextLine, lines, hash },
            at,
          ),
          ...importSaveItem(db, record, after),
        ],
        result: { import: importView(after) },
      };
    },
  });
}

/** POST /v1/imports/{id}/run: starts the real run of an import whose dry run is done. */
export async function startRun(
  deps: ImportDeps,
  principal: Principal,
  importId: string,
  idempotencyKey: string | undefined,
): Promise<WriteResult<{ import: ImportView }>> {
  const { db } = deps;
  return runWrite(deps, {
    name: "imports.run",
    merchantId: principal.merchantId,
    idempotency: idempotencyFrom(idempotencyKey, "imports.run", { importId }),
    load: async () => undefined,
    attempt: async (_context, at) => {
      const record = await requireImport(db, principal, importId);
      if (record.status === "importing" || record.status === "completed") {
        return { items: [], result: { import: importView(record) } };
      }
      if (record.status === "duplicate") {
        throw conflict("The same file was received by an earlier import: run that one.", {
          duplicateOf: record.duplicateOf,
        });
      }
      if (record.status !== "validated") {
        throw conflict("The dry run of this import is not finished yet.", { status: record.status });
      }
      // Its report expires by TTL (IMPORT_REPORT_TTL_DAYS): a run must end well before it does.
      if (at.getTime() - Date.parse(record.createdAt) > IMPORT_RUN_WITHIN_DAYS * 24 * 3600_000) {
        throw conflict(
          `This import is more than ${IMPORT_RUN_WITHIN_DAYS} days old and its report is expiring: import the file again.`,
        );
      }
      const after: ImportRecord = {
        ...record,
        status: "importing",
        cursor: 2,
        version: record.version + 1,
        updatedAt: at.toISOString(),
      };
      return { items: importSaveItem(db, record, after), result: { import: importView(after) } };
    },
  });
}

export interface ImportView {
  id: string;
  status: ImportRecord["status"];
  platform: string;
  asOf: string;
  delimiter: "," | ";";
  columns: ColumnMapping;
  parts: number;
  lines: number;
  contentHash: string | null;
  duplicateOf: string | null;
  /** The next line the current run handles (file line numbers, the header being line 1). */
  cursor: number;
  counts: ImportRecord["counts"];
  createdBy: string;
  createdAt: string;
  updatedAt: string;
  completedAt: string | null;
}

export function importView(record: ImportRecord): ImportView {
  return {
    id: record.id,
    status: record.status,
    platform: record.platform,
    asOf: record.asOf,
    delimiter: record.delimiter,
    columns: record.columns,
    parts: record.parts,
    lines: record.lines,
    contentHash: record.status === "receiving" ? null : record.contentHash,
    duplicateOf: record.duplicateOf ?? null,
    cursor: record.cursor,
    counts: record.counts,
    createdBy: record.createdBy,
    createdAt: record.createdAt,
    updatedAt: record.updatedAt,
    completedAt: record.completedAt ?? null,
  };
}

export interface ImportLineView {
  line: number;
  outcome: ImportLine["outcome"];
  problems: NonNullable<ImportLine["problems"]>;
  points: number | null;
  reference: string | null;
  customerId: string | null;
  imported: boolean;
}

export const importLineView = (line: ImportLine): ImportLineView => ({
  line: line.line,
  outcome: line.outcome,
  problems: line.problems ?? [],
  points: line.points ?? null,
  reference: line.reference ?? null,
  customerId: line.customerId ?? null,
  imported: line.importedAt !== undefined,
});
