/** A CSV import of members and opening balances from another platform (shared/imports/import.ts). */

export const IMPORT_FIELDS = ["name", "phone", "email", "balance", "reference"] as const;
export type ImportField = (typeof IMPORT_FIELDS)[number];

/** Which header column holds each field; name and balance are required, and phone or email. */
export type ColumnMapping = Partial<Record<ImportField, string>>;

/**
 * receiving: parts arriving. validating: the dry run is going through the lines. validated: its report is
 * ready and the import waits for a person to start it. importing: the real run is writing. completed: done.
 * duplicate: the same file (same content hash) was received by an earlier import, which alone can run it.
 */
export type ImportStatus = "receiving" | "validating" | "validated" | "importing" | "completed" | "duplicate";

export interface ImportCounts {
  /** Dry run: lines that would create a member, add to an existing one, or are rejected. */
  create: number;
  merge: number;
  reject: number;
  /** Real run: lines written now, lines found already written (by an earlier, interrupted run). */
  imported: number;
  alreadyImported: number;
  /** Points carried over by the lines written. */
  points: number;
}

export interface ImportRecord {
  id: string;
  merchantId: string;
  createdBy: string;
  platform: string;
  /** The day the balances stood on the source platform (YYYY-MM-DD). */
  asOf: string;
  delimiter: "," | ";";
  columns: ColumnMapping;
  /** The header's column index of each mapped field, once the first part arrived. */
  columnIndexes?: Partial<Record<ImportField, number>>;
  status: ImportStatus;
  /** Parts received, their first line numbers, and the next line number expected. */
  parts: number;
  partStarts: number[];
  nextLine: number;
  /** Each received part's SHA-256, so a part sent again is recognised. */
  partHashes?: string[];
  /** Data lines received (the header not counted). */
  lines: number;
  /** SHA-256 chained over the file's lines (however cut into parts); the file's hash once the last part arrived. */
  contentHash: string;
  duplicateOf?: string;
  /** The next line the current run (dry or real) handles. */
  cursor: number;
  counts: ImportCounts;
  /** Bumped by every save, which is conditional on it (shared/store/imports.ts saveImport). */
  version: number;
  createdAt: string;
  updatedAt: string;
  completedAt?: string;
}

export interface ImportPart {
  part: number;
  firstLine: number;
  lines: string[];
  hash: string;
}

export type LineOutcome = "create" | "merge" | "reject";

export interface LineProblem {
  code:
    | "blank_line"
    | "bad_csv"
    | "missing_column"
    | "missing_name"
    | "missing_contact"
    | "bad_phone"
    | "bad_email"
    | "bad_balance"
    | "field_too_long"
    | "duplicate_in_file"
    | "contact_conflict"
    /** The member this line would have created, or whose contact it has, was erased meanwhile. */
    | "erased";
  /** The mapped field it is about, if one. */
  field?: ImportField;
  /** For duplicate_in_file: the earlier line with the same phone number or e-mail address. */
  line?: number;
}

/** One data line's outcome: the dry run's decision, and when the real run wrote it (importedAt). */
export interface ImportLine {
  line: number;
  outcome: LineOutcome;
  problems?: LineProblem[];
  points?: number;
  reference?: string;
  /** Normalised, for the real run to enrol the member with. */
  name?: string;
  phone?: string;
  email?: string;
  /** The member merged into (dry run) or created/credited (real run). */
  customerId?: string;
  importedAt?: string;
}
