import { randomUUID } from "node:crypto";
import { QueryCommand } from "@aws-sdk/lib-dynamodb";
import type { ScheduledEvent } from "aws-lambda";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { handler as importJob } from "../../functions/imports-job.ts";
import { lambdaContext } from "../../infra/local/api-gateway-event.ts";
import { DEMO } from "../../infra/local/seed.ts";
import { importedCustomerId } from "../../shared/imports/run.ts";
import { startTestStack, type TestStack } from "../support/test-stack.ts";

/**
 * CSV import of members and opening balances through the local API: a file with duplicates (within the file
 * and against an existing member), bad lines and valid lines; the dry run's line-by-line report writes no
 * member and no entry; the real run writes each balance as an `import` entry with its explanation and the
 * source line's reference; running again, or sending the same file again, changes nothing.
 */

let stack: TestStack;
let alice: string;
let bob: string;
let mallory: string;

beforeAll(async () => {
  stack = await startTestStack();
  ({ alice, bob, mallory } = await stack.tokens());
});
afterAll(() => stack?.close());

const post = (path: string, body: unknown, token = alice) =>
  stack.call("POST", path, { token, body, headers: { "idempotency-key": randomUUID() } });
const get = (path: string, token = alice) => stack.call("GET", path, { token });

const camille = DEMO.customers.camille;

const HEADER = "Client;Mobile;E-mail;Points;Id";
const FILE = [
  HEADER,
  "Jeanne Dupont;06 11 22 33 44;jeanne@example.com;120;OLD-1", // 2: created
  `Camille M.;${"06 12 34 56 78"};;40;OLD-2`, // 3: merged into Camille (same phone)
  "Paul Durand;0611223344;;10;OLD-3", // 4: duplicate of line 2's phone
  "Léa Petit;not a phone;;5;OLD-4", // 5: bad phone
  "Marc Blanc;;marc@example.com;-5;OLD-5", // 6: negative balance
  "Nina Roux;;nina@example.com;2.5;OLD-6", // 7: not an integer
  ";;anon@example.com;3;OLD-7", // 8: no name
  "Zoé Noir;;ZOE@Example.com;0;OLD-8", // 9: created, nothing to carry over
  '"Hugo ""H"" Vert";;hugo@example.com;75;OLD-9', // 10: created (quoted field)
  "Ines Gris;;camille@example.com;7;OLD-10", // 11: merged into Camille (same e-mail)
  "Eva;;jeanne@EXAMPLE.com;1;OLD-11", // 12: duplicate of line 2's e-mail
];

const COLUMNS = { name: "Client", phone: "Mobile", email: "E-mail", balance: "Points", reference: "Id" };

async function newImport(token = alice) {
  const created = await post(
    "/v1/imports",
    { platform: "Fidelizz", asOf: "2026-11-30", delimiter: ";", columns: COLUMNS },
    token,
  );
  return created;
}

async function send(importId: string, lines: string[], partSize = 5) {
  let answer: Awaited<ReturnType<typeof post>> | undefined;
  for (let i = 0, part = 1; i < lines.length; i += partSize, part++) {
    answer = await post(`/v1/imports/${importId}/parts`, {
      part,
      lines: lines.slice(i, i + partSize),
      last: i + partSize >= lines.length,
    });
    expect(answer.status, JSON.stringify(answer.body)).toBe(200);
  }
  return answer as NonNullable<typeof answer>;
}

async function allLines(importId: string) {
  const lines = [];
  let cursor: string | null = null;
  do {
    const page: Awaited<ReturnType<typeof get>> = await get(
      `/v1/imports/${importId}/lines?limit=4${cursor ? `&cursor=${cursor}` : ""}`,
    );
    expect(page.status).toBe(200);
    lines.push(...page.body.lines);
    cursor = page.body.nextCursor;
  } while (cursor);
  return lines;
}

/** The import's own items as stored: its record, parts, lines and seen contacts. */
async function storedItems(importId: string) {
  const page = await stack.db.client.send(
    new QueryCommand({
      TableName: stack.db.table,
      KeyConditionExpression: "pk = :pk",
      ExpressionAttributeValues: { ":pk": `MERCHANT#${DEMO.merchantId}#IMPORT#${importId}` },
    }),
  );
  return page.Items ?? [];
}

const balanceOf = async (customerId: string) =>
  (await get(`/v1/customers/${customerId}`)).body.customer.balance;
const entriesOf = async (customerId: string) =>
  (await get(`/v1/customers/${customerId}/ledger`)).body.entries;

describe("importing members and balances from a CSV file", () => {
  let importId: string;
  let camilleBefore: number;
  let camilleEntries: number;

  it("reports line by line what the dry run would do, and writes nothing", async () => {
    camilleBefore = await balanceOf(camille.id);
    camilleEntries = (await entriesOf(camille.id)).length;
    const created = await newImport();
    expect(created.status).toBe(201);
    expect(created.body.import.status).toBe("receiving");
    importId = created.body.import.id;

    const done = await send(importId, FILE);
    expect(done.body.import).toMatchObject({
      status: "validated",
      parts: 3,
      lines: 11,
      counts: { create: 3, merge: 2, reject: 6, imported: 0 },
    });
    const lines = await allLines(importId);
    expect(lines.map((l) => [l.line, l.outcome])).toEqual([
      [2, "create"],
      [3, "merge"],
      [4, "reject"],
      [5, "reject"],
      [6, "reject"],
      [7, "reject"],
      [8, "reject"],
      [9, "create"],
      [10, "create"],
      [11, "merge"],
      [12, "reject"],
    ]);
    const byLine = new Map(lines.map((l) => [l.line, l]));
    expect(byLine.get(3)).toMatchObject({ customerId: camille.id, points: 40, reference: "OLD-2" });
    expect(byLine.get(4)?.problems).toEqual([{ code: "duplicate_in_file", line: 2 }]);
    expect(byLine.get(5)?.problems).toEqual([{ code: "bad_phone", field: "phone" }]);
    expect(byLine.get(6)?.problems).toEqual([{ code: "bad_balance", field: "balance" }]);
    expect(byLine.get(7)?.problems).toEqual([{ code: "bad_balance", field: "balance" }]);
    expect(byLine.get(8)?.problems).toEqual([{ code: "missing_name", field: "name" }]);
    expect(byLine.get(12)?.problems).toEqual([{ code: "duplicate_in_file", line: 2 }]);
    expect(lines.every((l) => l.imported === false)).toBe(true);

    // The dry run done, the file itself is gone (no part); the phones and e-mails it met expire within 2
    // days; a merge line keeps no copy of the member's name or contacts; the report expires in 90 days.
    const stored = await storedItems(importId);
    expect(stored.filter((i) => String(i.sk).startsWith("PART#"))).toEqual([]);
    const seen = stored.filter((i) => String(i.sk).startsWith("SEEN#"));
    expect(seen.length).toBeGreaterThan(0);
    const inTwoDays = Date.now() / 1000 + 2 * 24 * 3600;
    for (const item of seen) expect(Math.abs((item.ttl as number) - inTwoDays)).toBeLessThan(600);
    const storedLines = stored.filter((i) => String(i.sk).startsWith("LINE#"));
    expect(storedLines).toHaveLength(11);
    const merged = storedLines.find((i) => i.line === 3);
    expect(merged).toMatchObject({ outcome: "merge", customerId: camille.id });
    expect(merged?.name ?? merged?.phone ?? merged?.email).toBeUndefined();
    const inNinetyDays = Date.now() / 1000 + 90 * 24 * 3600;
    for (const line of storedLines) expect(Math.abs((line.ttl as number) - inNinetyDays)).toBeLessThan(600);

    // Nothing written: Camille unchanged, nobody enrolled.
    expect(await balanceOf(camille.id)).toBe(camilleBefore);
    expect((await entriesOf(camille.id)).length).toBe(camilleEntries);
    expect((await get(`/v1/customers/${importedCustomerId(importId, 2)}`)).status).toBe(404);
  });

  it("writes each balance as an import entry with its explanation and reference", async () => {
    const run = await post(`/v1/imports/${importId}/run`, {});
    expect(run.status).toBe(202);
    expect(run.body.import).toMatchObject({
      status: "completed",
      counts: { imported: 5, alreadyImported: 0, points: 120 + 40 + 0 + 75 + 7 },
    });
    const jeanne = importedCustomerId(importId, 2);
    const member = await get(`/v1/customers/${jeanne}`);
    expect(member.body.customer).toMatchObject({
      name: "Jeanne Dupont",
      phone: "+33611223344",
      balance: 120,
    });
    const [entry] = await entriesOf(jeanne);
    expect(entry).toMatchObject({
      type: "import",
      points: 120,
      explanation: "Balance carried over from Fidelizz on 2026-11-30",
    });
    expect(entry.inputs).toMatchObject({ reference: "OLD-1", platform: "Fidelizz", line: "2", importId });
    expect((await get(`/v1/customers/${importedCustomerId(importId, 10)}`)).body.customer.name).toBe(
      'Hugo "H" Vert',
    );
    expect(await balanceOf(importedCustomerId(importId, 9))).toBe(0);
    expect(await balanceOf(camille.id)).toBe(camilleBefore + 47);
    const camilleNow = await entriesOf(camille.id);
    expect(camilleNow.length).toBe(camilleEntries + 2);
    expect(
      camilleNow
        .filter((e: { type: string }) => e.type === "import")
        .map((e: { inputs: { reference: string } }) => e.inputs.reference)
        .sort(),
    ).toEqual(["OLD-10", "OLD-2"]);
    for (const id of [jeanne, camille.id, importedCustomerId(importId, 10)]) {
      expect((await get(`/v1/customers/${id}/ledger/verify`)).body.valid, id).toBe(true);
    }
    const lines = await allLines(importId);
    expect(lines.filter((l) => l.imported).map((l) => l.line)).toEqual([2, 3, 9, 10, 11]);
    // Imported, a created member's line keeps no copy of what the member now holds (the SEEN# items, with
    // the file's phones and e-mails, are the dry run's and expire within 2 days: above).
    const stored = (await storedItems(importId)).filter((i) => !String(i.sk).startsWith("SEEN#"));
    expect(JSON.stringify(stored)).not.toMatch(/Jeanne|Hugo|\+33611223344|hugo@example\.com/);
    expect(stored.find((i) => i.line === 2)).toMatchObject({ customerId: jeanne, points: 120 });
  });

  it("changes nothing when run again, by the API or the job, or when the same file is sent again", async () => {
    const camilleNow = await balanceOf(camille.id);
    const again = await post(`/v1/imports/${importId}/run`, {});
    expect(again.body.import.status).toBe("completed");
    const event = { time: new Date().toISOString() } as ScheduledEvent;
    expect(await importJob(event, lambdaContext("imports-job", randomUUID(), 512))).toMatchObject({
      complete: true,
    });
    const twin = (await newImport()).body.import.id;
    const sent = await send(twin, FILE, 4);
    expect(sent.body.import).toMatchObject({ status: "duplicate", duplicateOf: importId });
    const refused = await post(`/v1/imports/${twin}/run`, {});
    expect(refused.status).toBe(409);
    expect(await balanceOf(camille.id)).toBe(camilleNow);
    expect((await entriesOf(importedCustomerId(importId, 2))).length).toBe(1);
  });

  it("keeps parts in order and refuses bad input naming the field", async () => {
    const id = (await newImport()).body.import.id;
    const outOfOrder = await post(`/v1/imports/${id}/parts`, { part: 2, lines: ["a;b"], last: false });
    expect(outOfOrder.status).toBe(409);
    const noColumn = await post(`/v1/imports/${id}/parts`, { part: 1, lines: ["Name;Phone"], last: false });
    expect(noColumn.status).toBe(400);
    expect(noColumn.body.errors[0].field).toBe("columns.name");
    const first = await post(`/v1/imports/${id}/parts`, { part: 1, lines: [HEADER, FILE[1]], last: false });
    expect(first.body.import.parts).toBe(1);
    const sameAgain = await post(`/v1/imports/${id}/parts`, {
      part: 1,
      lines: [HEADER, FILE[1]],
      last: false,
    });
    expect(sameAgain.body.import.parts).toBe(1);
    const otherContent = await post(`/v1/imports/${id}/parts`, { part: 1, lines: [HEADER], last: false });
    expect(otherContent.status).toBe(409);
    const badDate = await post("/v1/imports", { platform: "X", asOf: "30/11/2026", columns: COLUMNS });
    expect(badDate.status).toBe(400);
    expect(badDate.body.errors[0].field).toBe("asOf");
    const tooLong = await post(`/v1/imports/${id}/parts`, {
      part: 2,
      lines: ["x".repeat(1_001)],
      last: true,
    });
    expect(tooLong.status).toBe(400);
    expect(tooLong.body.errors[0].field).toBe("lines.0");
    const notYet = await post(`/v1/imports/${id}/run`, {});
    expect(notYet.status).toBe(409);
  });

  it("keeps another merchant out and needs data:import", async () => {
    for (const path of [`/v1/imports/${importId}`, `/v1/imports/${importId}/lines`]) {
      expect((await get(path, mallory)).status).toBe(404);
    }
    expect((await post(`/v1/imports/${importId}/run`, {}, mallory)).status).toBe(404);
    expect(
      (await post(`/v1/imports/${importId}/parts`, { part: 9, lines: ["x"], last: true }, mallory)).status,
    ).toBe(404);
    expect((await get(`/v1/imports/${importId}`, bob)).status).toBe(403);
    expect((await newImport(bob)).status).toBe(403);
    expect((await get(`/v1/imports/${importId}`)).body.import.status).toBe("completed");
  });
});
