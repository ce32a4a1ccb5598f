import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { NO_EXPIRY } from "../../shared/expiry/policy.ts";
import { addPart, createImport, IMPORT_LIMITS, startRun } from "../../shared/imports/import.ts";
import { advanceImport, importedCustomerId } from "../../shared/imports/run.ts";
import { readCustomer } from "../../shared/store/customers/profile.ts";
import { readImport } from "../../shared/store/imports.ts";
import { expectLedgerInvariants } from "../support/ledger-invariants.ts";
import { longLivedWorld } from "../support/long-lived-customer.ts";

/**
 * A migration: 2,000 lines by default, the size measured to fit CI here (SCALE_IMPORT_LINES=100000 for the full
 * size), sent in parts of 1,000, dry run and real
 * run in bounded steps of a Lambda-like budget (each step saves its cursor; the next goes on), as the import
 * job runs them. Asserts the counts and a sample of balances, and prints the measured time of each phase.
 */

const LINES = Number(process.env.SCALE_IMPORT_LINES ?? 2_000);
/** A step's budget, as a Lambda run of the import job has (60 s minus the 30 s it keeps in hand). */
const STEP_MS = 30_000;
const { world, deps, onItsOwnDatabase, merchant } = longLivedWorld();

/** Line n (data lines from 2): every 100th repeats the previous line's phone, every 250th has a bad balance. */
function lineOf(n: number): string {
  const phone = (k: number) => `+336${String(10_000_000 + k)}`;
  if (n % 100 === 0) return `Dup ${n};${phone(n - 1)};;5;R${n}`;
  if (n % 250 === 0 && n % 100 !== 0) return `Bad ${n};${phone(n)};;-1;R${n}`;
  return `Member ${n};${phone(n)};m${n}@example.com;${n % 1_000};R${n}`;
}

async function untilDone(merchantId: string, importId: string): Promise<number> {
  let steps = 0;
  for (;;) {
    const started = Date.now();
    steps++;
    const step = await advanceImport(deps(), merchantId, importId, {
      remainingMs: () => STEP_MS - (Date.now() - started),
      reserveMs: 0,
    });
    if (step.complete) return steps;
  }
}

describe(`an import of ${LINES.toLocaleString("en")} lines`, () => {
  onItsOwnDatabase();
  it("goes through in bounded steps, with the right counts and balances", async () => {
    const owner = await merchant(NO_EXPIRY);
    const { merchantId } = owner;
    const file = ["Name;Phone;Email;Points;Ref"];
    for (let n = 2; n < LINES + 2; n++) file.push(lineOf(n));
    const t0 = Date.now();
    const created = await createImport(
      deps(),
      owner,
      {
        platform: "Fidelizz",
        asOf: "2026-11-30",
        delimiter: ";",
        columns: { name: "Name", phone: "Phone", email: "Email", balance: "Points", reference: "Ref" },
      },
      randomUUID(),
    );
    const importId = created.result.import.id;
    const size = IMPORT_LIMITS.maxPartLines;
    for (let i = 0, part = 1; i < file.length; i += size, part++) {
      await addPart(
        deps(),
        owner,
        importId,
        { part, lines: file.slice(i, i + size), last: i + size >= file.length },
        randomUUID(),
      );
    }
    const t1 = Date.now();
    const drySteps = await untilDone(merchantId, importId);
    const t2 = Date.now();
    const dry = await readImport(world.db, merchantId, importId);
    let duplicates = 0;
    let bad = 0;
    for (let n = 2; n < LINES + 2; n++) {
      if (n % 100 === 0) duplicates++;
      else if (n % 250 === 0) bad++;
    }
    expect(dry?.status).toBe("validated");
    expect(dry?.counts).toMatchObject({
      create: LINES - duplicates - bad,
      merge: 0,
      reject: duplicates + bad,
    });

    await startRun(deps(), owner, importId, randomUUID());
    const runSteps = await untilDone(merchantId, importId);
    const t3 = Date.now();
    const done = await readImport(world.db, merchantId, importId);
    let points = 0;
    for (let n = 2; n < LINES + 2; n++) if (n % 100 !== 0 && n % 250 !== 0) points += n % 1_000;
    expect(done?.status).toBe("completed");
    expect(done?.counts).toMatchObject({ imported: LINES - duplicates - bad, alreadyImported: 0, points });

    for (let k = 0; k < 25; k++) {
      let n = 2 + Math.floor(Math.random() * LINES);
      if (n % 100 === 0 || n % 250 === 0) n++;
      if (n % 100 === 0 || n % 250 === 0) n++;
      const customer = await readCustomer(world.db, merchantId, importedCustomerId(importId, n));
      expect(customer?.balance, `line ${n}`).toBe(n % 1_000);
    }
    const sample = importedCustomerId(importId, 3);
    expect(await expectLedgerInvariants(world.db, merchantId, sample)).toBe(3);

    console.log(
      JSON.stringify({
        lines: LINES,
        uploadMs: t1 - t0,
        dryRunMs: t2 - t1,
        drySteps,
        realRunMs: t3 - t2,
        runSteps,
        totalMs: t3 - t0,
      }),
    );
  });
});
