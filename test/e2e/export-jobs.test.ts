import { randomUUID } from "node:crypto";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { handler as exportJob } from "../../functions/exports-job.ts";
import { lambdaContext } from "../../infra/local/api-gateway-event.ts";
import { scheduledEvent } from "../../infra/local/scheduled-event.ts";
import { DEMO } from "../../infra/local/seed.ts";
import { JOB_FUNCTION_TIMEOUT_SECONDS } from "../../shared/budgets.ts";
import { systemClock } from "../../shared/clock.ts";
import { EXPORT_LEASE_MS, type ExportJobBudget, runExportJob } from "../../shared/exports/job.ts";
import type { FileStore } from "../../shared/files/file-store.ts";
import { localFileOptionsFromEnv, localFileStore } from "../../shared/files/local-store.ts";
import { claimRunningExport, listRunningExports } from "../../shared/store/exports.ts";
import { earn, enrolCustomer } from "../support/portal.ts";
import { startTestStack, type TestStack } from "../support/test-stack.ts";

/**
 * Members and activity exports past the request's budget (README "Exports"): handed to the export job (202
 * `running`), produced by it (`ready`, the file holding every row once), retried from the start after a run
 * that failed mid-file or died holding the export, `failed` after three attempts; another merchant's id is a
 * 404 throughout. The budget is forced down to 1 ms through EXPORT_BUDGET_MS, as the handlers read it.
 */

let stack: TestStack;
let alice: string;
let mallory: string;
const tag = randomUUID().slice(0, 6);
const members: string[] = [];

beforeAll(async () => {
  stack = await startTestStack();
  [alice, mallory] = await Promise.all([stack.token("alice"), stack.token("mallory")]);
  for (let i = 0; i < 6; i++) {
    const customerId = await enrolCustomer(stack, { name: `Job ${i}, "n°${i}" ${tag}` });
    members.push(customerId);
    await earn(stack, {
      customerId,
      locationId: "paris-01",
      type: "purchase",
      amount: "8.00",
      currency: "EUR",
    });
  }
}, 120_000);
afterAll(async () => {
  await stack?.close();
});

const post = (body: unknown, key = randomUUID(), token = alice) =>
  stack.call("POST", "/v1/exports", { token, body, headers: { "idempotency-key": key } });
const get = (id: string, token = alice) => stack.call("GET", `/v1/exports/${id}`, { token });

/** The request with a 1 ms budget: the first row is already past it. */
async function handedOff(body: unknown, key = randomUUID()) {
  process.env.EXPORT_BUDGET_MS = "1";
  try {
    return await post(body, key);
  } finally {
    delete process.env.EXPORT_BUDGET_MS;
  }
}

const files = (): FileStore => localFileStore(localFileOptionsFromEnv());
const budget: ExportJobBudget = { remainingMs: () => 600_000, startMs: 60_000, reserveMs: 5_000 };
const fileOf = (id: string) => join(localFileOptionsFromEnv().dir, "exports", DEMO.merchantId, `${id}.csv`);

/** A store whose files fail after `okChunks` writes (or at once), as a run cut mid-file would. */
function failingFiles(okChunks: number): FileStore {
  const real = files();
  return {
    ...real,
    create(key, type) {
      const writer = real.create(key, type);
      let writes = 0;
      return {
        ...writer,
        async write(chunk) {
          writes += 1;
          if (writes > okChunks) throw new Error("the store went away");
          await writer.write(chunk);
        },
      };
    },
  };
}

/** The CSV's data rows' first cells (ids), parsed for the quoted names with commas these members have. */
async function downloadedIds(link: string): Promise<string[]> {
  const response = await fetch(link);
  expect(response.status).toBe(200);
  const text = Buffer.from(await response.arrayBuffer()).toString("utf8");
  expect(text.startsWith("\uFEFF")).toBe(true);
  expect(text.endsWith("\r\n")).toBe(true);
  const lines = text.slice(1).split("\r\n").slice(1, -1);
  return lines.map((line) => line.split(",")[0] as string);
}

describe("an export past the request's budget", () => {
  it("is answered 202 running, replayed by its key, produced by the scheduled job, and ready with every member once", async () => {
    const key = randomUUID();
    const accepted = await handedOff({ kind: "members" }, key);
    expect(accepted.status, JSON.stringify(accepted.body)).toBe(202);
    expect(accepted.body.export).toMatchObject({ status: "running", attempts: 0, link: null, rows: 0 });
    const id = accepted.body.export.id as string;
    const replay = await post({ kind: "members" }, key);
    expect(replay.status).toBe(202);
    expect(replay.headers.get("idempotent-replayed")).toBe("true");
    expect(replay.body.export.id).toBe(id);
    expect((await get(id)).body.export).toMatchObject({ status: "running", link: null });
    expect((await get(id, mallory)).status).toBe(404);

    // The scheduled function itself, fed the event EventBridge sends, with Lambda's 15 minutes.
    const run = await exportJob(
      scheduledEvent("exports-job", new Date()),
      lambdaContext("exports-job", randomUUID(), 1024, JOB_FUNCTION_TIMEOUT_SECONDS * 1000),
    );
    expect(run).toMatchObject({ produced: 1, failed: 0, complete: true });
    expect(await listRunningExports(stack.db, 10)).toEqual([]);

    const ready = (await get(id)).body.export;
    expect(ready).toMatchObject({ id, kind: "members", status: "ready", attempts: 1 });
    const ids = await downloadedIds(ready.link);
    expect(ids.length).toBe(ready.rows);
    expect(new Set(ids).size).toBe(ids.length);
    // The same members as an export produced in the request.
    const inRequest = (await post({ kind: "members" })).body.export;
    expect(inRequest.status).toBe("ready");
    expect([...ids].sort()).toEqual((await downloadedIds(inRequest.link)).sort());
    for (const member of members) expect(ids).toContain(member);
    expect((await get(id, mallory)).status).toBe(404);
  });

  it("after a run that failed mid-file, the next one starts the file again: whole, each row once", async () => {
    const listed = await stack.call("GET", "/v1/activity?limit=100", { token: alice });
    const ours = (listed.body.rows as { id: string; createdAt: string; customer: { id: string } }[]).filter(
      (r) => members.includes(r.customer.id),
    );
    const from = (ours.at(-1) as { createdAt: string }).createdAt;
    const to = (ours[0] as { createdAt: string }).createdAt;
    const accepted = await handedOff({ kind: "activity", from, to });
    expect(accepted.status).toBe(202);
    const id = accepted.body.export.id as string;

    // Small chunks, so the failure comes after part of the file was written.
    const failed = await runExportJob(
      { db: stack.db, clock: systemClock, files: failingFiles(2), chunkBytes: 200 },
      budget,
    );
    expect(failed).toMatchObject({ produced: 0, failed: 0, complete: false });
    expect((await get(id)).body.export).toMatchObject({ status: "running", attempts: 1, link: null });
    // Nothing under the file's key: a half file is never served.
    expect(existsSync(fileOf(id))).toBe(false);

    const again = await runExportJob(
      { db: stack.db, clock: systemClock, files: files(), chunkBytes: 200 },
      budget,
    );
    expect(again).toMatchObject({ produced: 1, complete: true });
    const ready = (await get(id)).body.export;
    expect(ready).toMatchObject({ status: "ready", attempts: 2, from, to });
    const ids = await downloadedIds(ready.link);
    const inRange = await stack.call(
      "GET",
      `/v1/activity?limit=100&from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}`,
      { token: alice },
    );
    expect(ids).toEqual(inRange.body.rows.map((r: { id: string }) => r.id));
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.length).toBeGreaterThanOrEqual(members.length);
  });

  it("a run that died holding it is taken over once its lease ends; three failed runs make it failed", async () => {
    const died = (await handedOff({ kind: "members" })).body.export.id as string;
    const now = new Date();
    // An invocation took it and was killed: no release, only its lease.
    expect(
      await claimRunningExport(
        stack.db,
        DEMO.merchantId,
        died,
        now,
        new Date(now.getTime() + EXPORT_LEASE_MS),
        3,
      ),
    ).toBe(1);
    const deps = { db: stack.db, files: files() };
    expect(await runExportJob({ ...deps, clock: () => now }, budget)).toMatchObject({ produced: 0 });
    expect((await get(died)).body.export.status).toBe("running");
    const later = new Date(now.getTime() + EXPORT_LEASE_MS + 1_000);
    expect(await runExportJob({ ...deps, clock: () => later }, budget)).toMatchObject({ produced: 1 });
    expect((await get(died)).body.export).toMatchObject({ status: "ready", attempts: 2 });

    const doomed = (await handedOff({ kind: "members" })).body.export.id as string;
    for (let run = 1; run <= 3; run++) {
      const result = await runExportJob({ db: stack.db, clock: systemClock, files: failingFiles(0) }, budget);
      expect(result).toMatchObject({ produced: 0, failed: run === 3 ? 1 : 0 });
    }
    const gaveUp = (await get(doomed)).body.export;
    expect(gaveUp).toMatchObject({ status: "failed", attempts: 3, link: null, linkExpiresAt: null });
    expect(await listRunningExports(stack.db, 10)).toEqual([]);
    expect(existsSync(fileOf(doomed))).toBe(false);
    expect((await get(doomed, mallory)).status).toBe(404);
  });
});
