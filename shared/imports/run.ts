import { normalizeEmail, normalizePhone } from "../customers/contact.ts";
import { enrolCustomer } from "../customers/enrol.ts";
import { DomainError } from "../errors.ts";
import { creditExpiryPolicy } from "../expiry/credit-policy.ts";
import type { ExpiryPolicy } from "../expiry/policy.ts";
import { importInputs } from "../ledger/explain/parts.ts";
import { logger } from "../logger.ts";
import { getMerchant } from "../merchants/directory.ts";
import type { Merchant } from "../model.ts";
import { ledgerWrite } from "../pipeline/ledger-write.ts";
import { findContactHolder } from "../store/customers/contacts.ts";
import { TransactionCancelled, transact } from "../store/db/transact.ts";
import {
  claimSeenBatch,
  dropImportParts,
  importSaveItem,
  lineImportedItem,
  putLines,
  readImport,
  readLines,
  readPart,
} from "../store/imports.ts";
import { parseCsvLine } from "./csv.ts";
import { IMPORT_LIMITS, type ImportDeps } from "./import.ts";
import type { ImportLine, ImportRecord, LineProblem } from "./model.ts";

/**
 * The dry run and the real run go through an import's lines in bounded steps: a step handles lines until
 * its time budget is spent, saves the cursor with its counts (on condition nobody else saved meanwhile),
 * and the next step — the import job's next run, or the request that started the run — goes on from there.
 * Every line's outcome is a function of the file and of the table, so a step done twice records the same.
 */

/** Lines read, checked and written together in one round of the dry run, and written at once in the real run. */
const DRY_BATCH = 100;
const RUN_BATCH = 10;
/** Requests in flight at once from one step: enough to hide round trips, few enough for a Lambda's sockets. */
const PARALLEL = 20;

/** `work` over every item, at most PARALLEL at a time, results in order. */
async function inParallel<T, R>(items: readonly T[], work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = [];
  for (let i = 0; i < items.length; i += PARALLEL) {
    results.push(...(await Promise.all(items.slice(i, i + PARALLEL).map(work))));
  }
  return results;
}

export interface StepBudget {
  /** Milliseconds left before the step must have saved its progress. */
  remainingMs: () => number;
  /** Kept in hand for the last batch and the save. */
  reserveMs?: number;
}

export interface StepResult {
  status: ImportRecord["status"];
  cursor: number;
  complete: boolean;
}

/** Advances one import as far as the budget allows. */
export async function advanceImport(
  deps: ImportDeps,
  merchantId: string,
  importId: string,
  budget: StepBudget,
): Promise<StepResult> {
  const reserve = budget.reserveMs ?? 2_000;
  const read = await readImport(deps.db, merchantId, importId);
  if (!read) return { status: "completed", cursor: 0, complete: true };
  let record: ImportRecord = read;
  const merchant = await getMerchant(deps.db, merchantId);
  const policy = record.status === "importing" ? await creditExpiryPolicy(deps.db, merchantId) : undefined;
  while (record.status === "validating" || record.status === "importing") {
    if (budget.remainingMs() < reserve) break;
    const before: ImportRecord = record;
    const after: ImportRecord =
      record.status === "validating"
        ? await dryRunBatch(deps, record, merchant?.country ?? "FR")
        : await realRunBatch(deps, record, merchant, policy as ExpiryPolicy);
    try {
      await transact(deps.db, importSaveItem(deps.db, before, after));
    } catch (error) {
      // Another step saved this import meanwhile: it goes on from its own cursor.
      if (error instanceof TransactionCancelled && error.has("import")) break;
      throw error;
    }
    // The report holds what the real run needs: the file itself (names, phones as typed) goes. A step
    // that dies first leaves it to its TTL (shared/store/imports.ts).
    if (before.status === "validating" && after.status === "validated") {
      await dropImportParts(deps.db, merchantId, importId);
    }
    record = after;
  }
  logger.info("import step", { merchantId, importId, status: record.status, cursor: record.cursor });
  return {
    status: record.status,
    cursor: record.cursor,
    complete: record.status !== "validating" && record.status !== "importing",
  };
}

/** The part holding a line: the last whose first line is at or before it. */
function partOf(record: ImportRecord, line: number): number {
  let part = 1;
  record.partStarts.forEach((start, index) => {
    if (start <= line) part = index + 1;
  });
  return part;
}

interface Checked {
  line: ImportLine;
  /** For a line that passed its own checks: the contacts to look for in the file and in the table. */
  contacts: { field: "phone" | "email"; value: string }[];
}

/** A line's own checks: CSV, required fields, phone, e-mail, balance, lengths. */
export function checkLine(
  record: Pick<ImportRecord, "delimiter" | "columnIndexes">,
  lineNumber: number,
  text: string,
  country: string,
): Checked {
  const reject = (...problems: LineProblem[]): Checked => ({
    line: { line: lineNumber, outcome: "reject", problems },
    contacts: [],
  });
  if (text.trim() === "") return reject({ code: "blank_line" });
  const fields = parseCsvLine(text, record.delimiter, IMPORT_LIMITS.maxColumns);
  if (!fields) return reject({ code: "bad_csv" });
  const indexes = record.columnIndexes ?? {};
  const problems: LineProblem[] = [];
  const value = (field: keyof typeof indexes) => {
    const index = indexes[field];
    if (index === undefined) return undefined;
    if (index >= fields.length) {
      problems.push({ code: "missing_column", field });
      return undefined;
    }
    return fields[index] === "" ? undefined : fields[index];
  };
  const name = value("name");
  const phoneText = value("phone");
  const emailText = value("email");
  const balanceText = value("balance");
  const reference = value("reference");
  if (!name) problems.push({ code: "missing_name", field: "name" });
  else if (name.length > IMPORT_LIMITS.maxNameChars) problems.push({ code: "field_too_long", field: "name" });
  if (reference && reference.length > IMPORT_LIMITS.maxReferenceChars) {
    problems.push({ code: "field_too_long", field: "reference" });
  }
  const phone = phoneText === undefined ? undefined : normalizePhone(phoneText, country);
  if (phoneText !== undefined && !phone) problems.push({ code: "bad_phone", field: "phone" });
  const email = emailText === undefined ? undefined : normalizeEmail(emailText);
  if (emailText !== undefined && !email) problems.push({ code: "bad_email", field: "email" });
  if (phoneText === undefined && emailText === undefined) problems.push({ code: "missing_contact" });
  const points =
    balanceText !== undefined && /^\d{1,12}$/.test(balanceText) ? Number(balanceText) : undefined;
  if (points === undefined || points > IMPORT_LIMITS.maxBalance) {
    problems.push({ code: "bad_balance", field: "balance" });
  }
  if (problems.length > 0) return reject(...problems);
  return {
    line: {
      line: lineNumber,
      outcome: "create",
      points: points as number,
      name: name as string,
      ...(phone ? { phone } : {}),
      ...(email ? { email } : {}),
      ...(reference ? { reference } : {}),
    },
    contacts: [
      ...(phone ? [{ field: "phone" as const, value: phone }] : []),
      ...(email ? [{ field: "email" as const, value: email }] : []),
    ],
  };
}

/**
 * The dry run over the next lines: each line's own checks, then a phone number or e-mail address an earlier
 * line of the file had (the first line keeps it: the later one is a duplicate), then the merchant's contact
 * index: a line whose contact a member holds merges into that member (two members: a conflict).
 */
async function dryRunBatch(deps: ImportDeps, record: ImportRecord, country: string): Promise<ImportRecord> {
  const { db } = deps;
  const { merchantId, id } = record;
  const part = await readPart(db, merchantId, id, partOf(record, record.cursor));
  if (!part) throw new Error(`import ${id} lacks the part of line ${record.cursor}`);
  const from = record.cursor - part.firstLine;
  const texts = part.lines.slice(from, from + DRY_BATCH);
  const checked = texts.map((text, i) => checkLine(record, record.cursor + i, text, country));
  // Within the batch first, in line order, so the earlier line is always the one that keeps a contact.
  const firstInBatch = new Map<string, number>();
  const claims: { c: Checked; field: "phone" | "email"; value: string }[] = [];
  for (const c of checked) {
    for (const contact of c.contacts) {
      const key = `${contact.field}#${contact.value}`;
      const earlier = firstInBatch.get(key);
      if (earlier !== undefined) {
        duplicate(c, earlier);
        continue;
      }
      firstInBatch.set(key, c.line.line);
      claims.push({ c, ...contact });
    }
  }
  const firsts = await claimSeenBatch(
    db,
    merchantId,
    id,
    claims.map(({ c, field, value }) => ({ field, value, line: c.line.line })),
    deps.clock(),
  );
  claims.forEach(({ c }, i) => {
    const first = firsts[i] as number;
    if (first !== c.line.line) duplicate(c, first);
  });
  await inParallel(
    checked.filter((c) => c.line.outcome !== "reject"),
    async (c) => {
      const holders = new Set<string>();
      for (const contact of c.contacts) {
        const holder = await findContactHolder(db, merchantId, contact.field, contact.value);
        if (holder) holders.add(holder);
      }
      if (holders.size > 1) {
        c.line = { line: c.line.line, outcome: "reject", problems: [{ code: "contact_conflict" }] };
      } else if (holders.size === 1) {
        // The member holds the name and contacts already: the line keeps only what the run needs.
        const { name: _name, phone: _phone, email: _email, ...kept } = c.line;
        c.line = { ...kept, outcome: "merge", customerId: [...holders][0] as string };
      }
    },
  );
  const lines = checked.map((c) => c.line);
  await putLines(db, merchantId, id, lines, deps.clock());
  const counts = { ...record.counts };
  for (const line of lines) counts[line.outcome]++;
  const cursor = record.cursor + lines.length;
  const done = cursor >= record.nextLine;
  return {
    ...record,
    counts,
    cursor,
    ...(done ? { status: "validated" as const } : {}),
    version: record.version + 1,
    updatedAt: deps.clock().toISOString(),
  };
}

function duplicate(c: Checked, earlier: number) {
  if (c.line.outcome === "reject" && c.line.problems?.some((p) => p.code === "duplicate_in_file")) return;
  c.line = { line: c.line.line, outcome: "reject", problems: [{ code: "duplicate_in_file", line: earlier }] };
}

/** The member a created line enrols: its id follows from the import and line, so a second run finds it. */
export function importedCustomerId(importId: string, line: number): string {
  return `cus_${importId.slice(4)}L${line}`;
}

class AlreadyImported extends Error {}

/**
 * The real run over the next lines: a line to create enrols its member (under an id fixed by the import and
 * line, so a second run finds them), then its balance is one `import` entry through the ledger pipeline, in
 * the same transaction as the line's mark — whose condition makes a second write of the line impossible.
 */
async function realRunBatch(
  deps: ImportDeps,
  record: ImportRecord,
  merchant: Merchant | undefined,
  policy: ExpiryPolicy,
): Promise<ImportRecord> {
  const { db } = deps;
  const { merchantId, id } = record;
  const { lines, more } = await readLines(db, merchantId, id, record.cursor - 1, RUN_BATCH);
  const outcomes = await inParallel(lines, (line) =>
    line.outcome === "reject"
      ? Promise.resolve("skipped" as const)
      : importLine(deps, record, merchant, policy, line),
  );
  const counts = { ...record.counts };
  outcomes.forEach((outcome, i) => {
    if (outcome === "imported") {
      counts.imported++;
      counts.points += lines[i]?.points ?? 0;
    } else if (outcome === "already") counts.alreadyImported++;
  });
  const last = lines.at(-1)?.line;
  const done = !more || last === undefined;
  const now = deps.clock().toISOString();
  return {
    ...record,
    counts,
    cursor: last === undefined ? record.cursor : last + 1,
    ...(done ? { status: "completed" as const, completedAt: now } : {}),
    version: record.version + 1,
    updatedAt: now,
  };
}

async function importLine(
  deps: ImportDeps,
  record: ImportRecord,
  merchant: Merchant | undefined,
  policy: ExpiryPolicy,
  line: ImportLine,
): Promise<"imported" | "already"> {
  if (line.importedAt) return "already";
  const { db } = deps;
  const { merchantId, id } = record;
  let customerId = line.customerId;
  if (line.outcome === "create") {
    customerId = importedCustomerId(id, line.line);
    try {
      await enrolCustomer(deps, merchantId, {
        id: customerId,
        name: line.name as string,
        ...(line.phone ? { phone: line.phone } : {}),
        ...(line.email ? { email: line.email } : {}),
        ...(merchant ? { locale: merchant.country === "FR" ? "fr" : "en" } : {}),
        // Members moving platforms hear from their merchant once, not one welcome per imported line.
        welcome: false,
      });
    } catch (error) {
      if (!(error instanceof DomainError) || error.kind !== "conflict") throw error;
      const field = (error.details as { field?: "phone" | "email" }).field;
      if (field) {
        // Someone joined with this contact since the dry run: the balance goes to them, as a merge would.
        customerId = await findContactHolder(db, merchantId, field, line[field] as string);
        if (!customerId) throw error;
      }
      // Otherwise the id is enrolled already: an earlier run created this member and stopped before the entry.
    }
  }
  const target = customerId as string;
  const importedAt = deps.clock().toISOString();
  try {
    if ((line.points ?? 0) === 0) {
      // Nothing to carry over: the member is enrolled, and the line marked, with no entry.
      await transact(db, [
        lineImportedItem(db, merchantId, id, line.line, { customerId: target, importedAt }),
      ]);
      return "imported";
    }
    await ledgerWrite(deps, {
      name: "imports.line",
      merchantId,
      load: async () => undefined,
      customerId: () => target,
      expiry: () => policy,
      plan: ({ now }) => ({
        entry: {
          type: "import",
          points: line.points as number,
          staffId: record.createdBy,
          inputs: importInputs({
            platform: record.platform,
            asOf: record.asOf,
            importId: id,
            line: line.line,
            ...(line.reference ? { reference: line.reference } : {}),
          }),
        },
        items: [
          lineImportedItem(db, merchantId, id, line.line, {
            customerId: target,
            importedAt: now.toISOString(),
          }),
        ],
        result: (entry) => entry.id,
      }),
      onConditionFailed: (name) => (name === "import-line" ? new AlreadyImported() : undefined),
    });
    return "imported";
  } catch (error) {
    if (error instanceof AlreadyImported) return "already";
    if (error instanceof TransactionCancelled && error.has("import-line")) return "already";
    throw error;
  }
}
