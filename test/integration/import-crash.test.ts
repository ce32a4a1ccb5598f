import { randomUUID } from "node:crypto";
import { QueryCommand, TransactWriteCommand } from "@aws-sdk/lib-dynamodb";
import { beforeAll, describe, expect, it } from "vitest";
import type { Principal } from "../../shared/auth/principal.ts";
import { enrolCustomer } from "../../shared/customers/enrol.ts";
import { addPart, createImport, startRun } from "../../shared/imports/import.ts";
import { advanceImport, importedCustomerId } from "../../shared/imports/run.ts";
import { readCustomer } from "../../shared/store/customers/profile.ts";
import type { Db } from "../../shared/store/db/client.ts";
import { customerPk } from "../../shared/store/db/partitions.ts";
import { readImport } from "../../shared/store/imports.ts";
import { merchantWithLocations } from "../support/ledger-merchant.ts";
import { testDb } from "../support/test-stack.ts";

/**
 * An import's real run dying mid-step: the fault lands after some lines were written, one of them with its
 * transaction committed but its answer lost (a connection reset after DynamoDB applied it, the hardest
 * case: the step believes it failed). The step throws before saving its cursor; a new step from the saved
 * cursor completes the run, and no line's balance is written twice.
 */

let db: Db;
let owner: Principal;
const now = new Date("2026-11-30T10:00:00.000Z");
const budget = { remainingMs: () => 60_000 };
const LINES = 12;

beforeAll(async () => {
  db = await testDb();
  owner = await merchantWithLocations(db, now, {
    shop: { rule: { kind: "visit", pointsPerVisit: 1, minMinutesBetweenVisits: 0 } },
  });
});

/** The db with every TransactWriteItems that marks an import line counted; the `failOn`-th is applied, then throws. */
function crashingDb(failOn: number): { db: Db; marks: () => number } {
  let marks = 0;
  const send = db.client.send.bind(db.client) as (command: unknown) => Promise<unknown>;
  const client = new Proxy(db.client, {
    get(target, property, receiver) {
      if (property !== "send") return Reflect.get(target, property, receiver);
      return async (command: unknown) => {
        const items =
          command instanceof TransactWriteCommand ? (command.input.TransactItems ?? []) : undefined;
        const marksLine = items?.some((item) => String(item.Update?.Key?.sk ?? "").startsWith("LINE#"));
        if (!marksLine) return send(command);
        // Counted when sent: the batch's lines are in flight together.
        marks += 1;
        const mine = marks;
        const answer = await send(command);
        if (mine === failOn) throw Object.assign(new Error("socket hang up"), { name: "ECONNRESET" });
        return answer;
      };
    },
  });
  return { db: { ...db, client }, marks: () => marks };
}

const importEntries = async (customerId: string) => {
  const page = await db.client.send(
    new QueryCommand({
      TableName: db.table,
      KeyConditionExpression: "pk = :pk AND begins_with(sk, :prefix)",
      ExpressionAttributeValues: { ":pk": customerPk(owner.merchantId, customerId), ":prefix": "ENTRY#" },
      ConsistentRead: true,
    }),
  );
  return (page.Items ?? []).filter((item) => item.type === "import");
};

describe("an import's real run crashing mid-step", () => {
  it("is completed by the next step without doubling any line's entry", { timeout: 60_000 }, async () => {
    const deps = { db, clock: () => now };
    const existing = (
      await enrolCustomer(deps, owner.merchantId, { name: "Already Here", phone: "+33600000099" })
    ).result.customer.id as string;
    const lines = [
      "Name;Phone;Points",
      // Line 2 merges into the existing member; the others create one member each.
      "Already Here;06 00 00 00 99;7",
      ...Array.from(
        { length: LINES - 1 },
        (_, i) => `Member ${i};06 00 00 01 ${String(i).padStart(2, "0")};${10 + i}`,
      ),
    ];
    const created = await createImport(
      deps,
      owner,
      {
        platform: "Fidelizz",
        asOf: "2026-11-29",
        delimiter: ";",
        columns: { name: "Name", phone: "Phone", balance: "Points" },
      },
      randomUUID(),
    );
    const importId = created.result.import.id;
    await addPart(deps, owner, importId, { part: 1, lines, last: true }, randomUUID());
    expect((await advanceImport(deps, owner.merchantId, importId, budget)).status).toBe("validated");
    await startRun(deps, owner, importId, randomUUID());

    // Batches are 10 lines, written in parallel: the 5th mark of the first batch commits, then the step dies.
    const crashing = crashingDb(5);
    await expect(
      advanceImport({ db: crashing.db, clock: () => now }, owner.merchantId, importId, budget),
    ).rejects.toThrow("socket hang up");
    const cut = await readImport(db, owner.merchantId, importId);
    expect(cut).toMatchObject({ status: "importing", cursor: 2, counts: { imported: 0 } });
    expect(crashing.marks()).toBeGreaterThanOrEqual(5);

    const resumed = await advanceImport(deps, owner.merchantId, importId, budget);
    expect(resumed).toMatchObject({ status: "completed", complete: true });
    const done = await readImport(db, owner.merchantId, importId);
    // The lines the dead step wrote (the one whose answer was lost among them) are found done, not redone.
    expect((done?.counts.imported ?? 0) + (done?.counts.alreadyImported ?? 0)).toBe(LINES);
    expect(done?.counts.alreadyImported).toBeGreaterThanOrEqual(5);

    const members = [
      { id: existing, points: 7 },
      ...Array.from({ length: LINES - 1 }, (_, i) => ({
        id: importedCustomerId(importId, i + 3),
        points: 10 + i,
      })),
    ];
    for (const member of members) {
      expect(await importEntries(member.id), member.id).toHaveLength(1);
      expect((await readCustomer(db, owner.merchantId, member.id))?.balance, member.id).toBe(member.points);
    }

    // And a run asked again, or another step, changes nothing.
    await startRun(deps, owner, importId, randomUUID());
    await advanceImport(deps, owner.merchantId, importId, budget);
    for (const member of members) expect(await importEntries(member.id)).toHaveLength(1);
  });
});
