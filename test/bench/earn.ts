import { randomUUID } from "node:crypto";
import { TransactWriteCommand } from "@aws-sdk/lib-dynamodb";
import { DEMO } from "../../infra/local/seed.ts";
import { systemClock } from "../../shared/clock.ts";
import { batchExpiresAt, NO_EXPIRY } from "../../shared/expiry/policy.ts";
import { idempotencyFrom } from "../../shared/idempotency.ts";
import { newId } from "../../shared/ids.ts";
import { credit, lotKeyOf } from "../../shared/ledger/lots.ts";
import { getProgram } from "../../shared/merchants/directory.ts";
import type { LedgerEntry } from "../../shared/model.ts";
import { runtimeDeps } from "../../shared/runtime.ts";
import { chainAdvance, readCustomer } from "../../shared/store/customers/profile.ts";
import type { Db } from "../../shared/store/db/client.ts";
import { claimKeyItem, findStoredResult } from "../../shared/store/idempotency.ts";
import { entryPut, readEntry } from "../../shared/store/ledger/entries.ts";
import { lotCreditWrite, readLot } from "../../shared/store/ledger/lots.ts";
import { readMerchant } from "../../shared/store/merchants/merchant.ts";
import { readStaff } from "../../shared/store/merchants/staff.ts";
import { earnPoints } from "../../shared/transactions/earn.ts";
import { countRounds, recordCommands } from "../support/read-rounds.ts";
import { startBenchStack } from "./bench-stack.ts";
import { closedLoop, type LoadResult, round } from "./stats.ts";

const SECONDS = Number(process.env.BENCH_SECONDS ?? 6);

/**
 * Earn through the local HTTP API (gateway emulation, JWT check, staff read, handler) against three
 * ceilings measured in the same run: the same domain call from this process (no HTTP); the same DynamoDB
 * operations an earn performs (the same reads in the same rounds, the same transaction items) sent
 * directly with the SDK, no handler nor pipeline; and a bare two-item TransactWriteItems.
 */
export async function benchEarn() {
  const stack = await startBenchStack();
  try {
    const customers = await stack.enrolMany(1_000);
    const hot = customers[0] as string;
    const body = (customerId: string) => ({
      customerId,
      locationId: "paris-01",
      type: "purchase" as const,
      amount: "12.34",
      currency: "EUR",
    });
    const viaHttp = (customerId: string) => postEarn(stack, body(customerId));
    const direct = async (customerId: string) => {
      const result = await earnPoints(
        { db: stack.db, clock: systemClock },
        stack.owner,
        body(customerId),
        randomUUID(),
      );
      return !result.replayed;
    };
    const pick = (n: number) => customers[n % customers.length] as string;
    // An entry as the HTTP earn writes it, so the raw transaction carries an item of the same size.
    await viaHttp(hot);
    const raw = await rawEarn(stack.db, hot);
    const bare = bareTransaction(stack.db);
    // DynamoDB Local's JVM needs tens of seconds of load before it runs at full speed.
    await closedLoop(8, Number(process.env.BENCH_WARMUP ?? 15), (_c, n) => viaHttp(pick(n)));

    const rounds = await readRounds(stack, viaHttp, raw.earn, customers[1] as string);

    const rows: Array<{
      target: string;
      concurrency: number;
      http: LoadResult;
      direct: LoadResult;
      ratio: number | undefined;
    }> = [];
    for (const concurrency of [1, 8, 32]) {
      for (const target of ["1,000 customers", "one hot customer"]) {
        const who = (n: number) => (target === "one hot customer" ? hot : pick(n));
        const http = await closedLoop(concurrency, SECONDS, (_c, n) => viaHttp(who(n)));
        const ceiling = await closedLoop(concurrency, SECONDS, (_c, n) => direct(who(n)));
        rows.push({
          target,
          concurrency,
          http,
          direct: ceiling,
          ratio: round(http.perSecond / ceiling.perSecond),
        });
      }
    }
    // The targets, at concurrency 8 over many customers: ≥ 0.8 of raw, ≥ 0.4 of bare. Measured in
    // alternating slices, so that a change in the machine's load falls on all three alike.
    const { medianRatio, ...targets } = await alternating(8, {
      http: (n) => viaHttp(pick(n)),
      rawOperations: (n) => raw.earn(pick(n)),
      bare2ItemTransaction: () => bare(),
    });
    return {
      secondsPerRun: SECONDS,
      readRounds: rounds,
      atConcurrency8: {
        ...targets,
        httpOfRaw: medianRatio("http", "rawOperations"),
        httpOfBare: medianRatio("http", "bare2ItemTransaction"),
        rawOfBare: medianRatio("rawOperations", "bare2ItemTransaction"),
      },
      rows,
    };
  } finally {
    await stack.stop();
  }
}

const SLICES = Number(process.env.BENCH_SLICES ?? 4);
const SLICE_SECONDS = Number(process.env.BENCH_SLICE_SECONDS ?? 4);

/**
 * Each operation in turn for SLICE_SECONDS, SLICES times over: the totals per operation, the rate of every
 * slice, and the median over slices of one operation's rate to another's (the slices side by side in time).
 */
async function alternating(concurrency: number, operations: Record<string, (n: number) => Promise<boolean>>) {
  const slices: Record<string, LoadResult[]> = Object.fromEntries(
    Object.keys(operations).map((name) => [name, []]),
  );
  for (let i = 0; i < SLICES; i++) {
    for (const [name, run] of Object.entries(operations)) {
      slices[name]?.push(await closedLoop(concurrency, SLICE_SECONDS, (_c, n) => run(n)));
    }
  }
  const totals = Object.fromEntries(
    Object.entries(slices).map(([name, runs]) => {
      const operationsDone = runs.reduce((sum, r) => sum + r.operations, 0);
      const seconds = runs.reduce((sum, r) => sum + r.seconds, 0);
      return [
        name,
        {
          operations: operationsDone,
          failures: runs.reduce((sum, r) => sum + r.failures, 0),
          perSecond: round(operationsDone / seconds, 1),
          perSlice: runs.map((r) => r.perSecond),
          p50Ms: median(runs.map((r) => r.p50Ms ?? 0)),
        },
      ];
    }),
  );
  return {
    concurrency,
    slices: `${SLICES} × ${SLICE_SECONDS} s each`,
    totals,
    medianRatio: (a: string, b: string) =>
      round(median((slices[a] ?? []).map((r, i) => r.perSecond / (slices[b]?.[i]?.perSecond ?? Number.NaN)))),
  };
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((x, y) => x - y);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

type Stack = Awaited<ReturnType<typeof startBenchStack>>;

/** POST /v1/transactions through the local gateway, with a new Idempotency-Key; true when points were issued. */
async function postEarn(stack: Stack, body: Record<string, string>): Promise<boolean> {
  const response = await fetch(`${stack.baseUrl}/v1/transactions`, {
    method: "POST",
    headers: {
      authorization: `Bearer ${stack.token}`,
      "content-type": "application/json",
      "idempotency-key": randomUUID(),
    },
    body: JSON.stringify(body),
  });
  await response.arrayBuffer();
  return response.status === 201;
}

/**
 * Read rounds before the transaction, counted from the order of the calls on the handlers' own client
 * (test/support/read-rounds.ts), for a barcode and a customerId earn with the cache warm, and for the raw
 * operations, which must match the customerId earn.
 */
async function readRounds(
  stack: Stack,
  viaHttp: (customerId: string) => Promise<boolean>,
  rawEarn: (customerId: string) => Promise<boolean>,
  customerId: string,
) {
  const handlers = recordCommands(runtimeDeps().db);
  const benchClient = recordCommands(stack.db);
  const byBarcode = () =>
    postEarn(stack, {
      barcode: DEMO.customers.camille.barcode,
      locationId: "paris-01",
      type: "purchase",
      amount: "12.34",
      currency: "EUR",
    });
  await byBarcode();
  return {
    httpByBarcode: countRounds(await handlers.during(byBarcode)),
    httpByCustomerId: countRounds(await handlers.during(() => viaHttp(customerId))),
    rawOperations: countRounds(await benchClient.during(() => rawEarn(customerId))),
  };
}

/**
 * The operations of a customerId earn, as the store builds them, with no handler nor pipeline: the staff
 * and merchant; the key, the customer and the credit's lot (each round one BatchGetItem, as the stores' reads
 * go: shared/store/db/get-item.ts); the transaction of the key's record, the entry,
 * the profile and the lot. The entry is the given customer's last one, renumbered (its hash is not
 * recomputed: that is the pipeline's work, not DynamoDB's).
 */
async function rawEarn(db: Db, templateOf: string) {
  const merchantId = DEMO.merchantId;
  const program = await getProgram(db, merchantId, DEMO.locations["paris-01"].programId);
  if (!program) throw new Error("the demo program is missing");
  const expiry = program.expiry ?? NO_EXPIRY;
  if (expiry.kind === "inactivity") throw new Error("the raw earn does not write the inactivity item");
  const holder = await readCustomer(db, merchantId, templateOf);
  const stored = holder && (await readEntry(db, merchantId, templateOf, holder.seq));
  if (!stored) throw new Error("no entry to copy");
  const template = Object.fromEntries(
    Object.entries(stored).filter(([key]) => !/^(pk|sk|gsi\d+(pk|sk))$/.test(key)),
  ) as unknown as LedgerEntry;
  return {
    template,
    async earn(customerId: string): Promise<boolean> {
      const now = new Date();
      const expiresAt = batchExpiresAt(expiry, now);
      const idempotency = idempotencyFrom(randomUUID(), "transactions.create", { customerId });
      await Promise.all([
        readStaff(db, merchantId, DEMO.staff.alice.id, true),
        readMerchant(db, merchantId, true),
      ]);
      const [, customer, lot] = await Promise.all([
        findStoredResult(db, merchantId, idempotency),
        readCustomer(db, merchantId, customerId),
        readLot(db, merchantId, customerId, lotKeyOf(expiresAt, false)),
      ]);
      if (!customer) return false;
      const entry: LedgerEntry = {
        ...template,
        id: newId("txn", now),
        customerId,
        seq: customer.seq + 1,
        balanceAfter: customer.balance + template.points,
        createdAt: now.toISOString(),
        prevHash: customer.headHash,
        ...(expiresAt ? { expiresAt } : {}),
      };
      const items = [
        claimKeyItem(db, merchantId, idempotency, { transaction: entry }, now),
        entryPut(db, entry),
        chainAdvance(db, customer, entry, {}),
        lotCreditWrite(db, merchantId, customerId, lot, credit(lot, entry.points, expiresAt), entry.seq),
      ];
      try {
        await db.client.send(new TransactWriteCommand({ TransactItems: items.map((i) => i.item) }));
        return true;
      } catch {
        return false;
      }
    },
  };
}

/** The smallest transaction: two new items of a few bytes each, no condition. */
function bareTransaction(db: Db) {
  return async () => {
    const id = randomUUID();
    await db.client.send(
      new TransactWriteCommand({
        TransactItems: ["a", "b"].map((sk) => ({
          Put: { TableName: db.table, Item: { pk: `BENCH#${id}`, sk } },
        })),
      }),
    );
    return true;
  };
}
