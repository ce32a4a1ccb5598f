import { DeleteCommand, QueryCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import type { Db } from "./db/client.ts";
import { isConditionFailed } from "./db/contention.ts";
import type { StoredItemType } from "./db/item-types.ts";
import type { NamedItem } from "./db/transact.ts";

/**
 * Exports the request handed to the export job (shared/exports/job.ts), listed under `EXPORTS#RUNNING`, one
 * item per export (`<merchantId>#<exportId>`). The export's record, with what is to be produced, stays in the
 * file store beside its file (shared/exports/exports.ts); this item only says that the job owes it a file,
 * how many runs have tried, and until when the run that took it last holds it (`leaseUntil`, epoch ms): a run
 * that died leaves its lease to run out, and the next run after that starts the file again. No personal data.
 */
const RUNNING_PK = "EXPORTS#RUNNING";
const runningKey = (merchantId: string, exportId: string) => ({
  pk: RUNNING_PK,
  sk: `${merchantId}#${exportId}`,
});

export interface RunningExport {
  merchantId: string;
  exportId: string;
  /** Runs that took it so far (each one a fresh file). */
  attempts: number;
  leaseUntil: number;
}

/** The export on the job's list, in the transaction that records the request's Idempotency-Key. */
export function runningExportPutItem(db: Db, merchantId: string, exportId: string): NamedItem {
  return {
    name: "export-running",
    item: {
      Put: {
        TableName: db.table,
        Item: { ...runningKey(merchantId, exportId), merchantId, exportId, attempts: 0, leaseUntil: 0 },
        ConditionExpression: "attribute_not_exists(pk)",
      },
    },
  };
}

/** Running exports, oldest first (ids are time-ordered within a merchant), a page the job looks at. */
export async function listRunningExports(db: Db, limit: number): Promise<RunningExport[]> {
  const page = await db.client.send(
    new QueryCommand({
      TableName: db.table,
      KeyConditionExpression: "pk = :pk",
      ExpressionAttributeValues: { ":pk": RUNNING_PK },
      ConsistentRead: true,
      Limit: limit,
    }),
  );
  return (page.Items ?? []).map((item) => ({
    merchantId: item.merchantId as string,
    exportId: item.exportId as string,
    attempts: item.attempts as number,
    leaseUntil: item.leaseUntil as number,
  }));
}

/**
 * Takes the export for one run until `leaseUntil`, counting the attempt, if no other run holds it and it has
 * attempts left; the attempts now made, or undefined when another run got it first or none are left.
 */
export async function claimRunningExport(
  db: Db,
  merchantId: string,
  exportId: string,
  now: Date,
  leaseUntil: Date,
  maxAttempts: number,
): Promise<number | undefined> {
  try {
    const { Attributes } = await db.client.send(
      new UpdateCommand({
        TableName: db.table,
        Key: runningKey(merchantId, exportId),
        UpdateExpression: "SET attempts = attempts + :one, leaseUntil = :until",
        ConditionExpression: "attribute_exists(pk) AND leaseUntil <= :now AND attempts < :max",
        ExpressionAttributeValues: {
          ":one": 1,
          ":until": leaseUntil.getTime(),
          ":now": now.getTime(),
          ":max": maxAttempts,
        },
        ReturnValues: "ALL_NEW",
      }),
    );
    return Attributes?.attempts as number;
  } catch (error) {
    if (isConditionFailed(error)) return undefined;
    throw error;
  }
}

/** A run that failed lets go at once, so the next run tries again without waiting for the lease to end. */
export async function releaseRunningExport(db: Db, merchantId: string, exportId: string): Promise<void> {
  try {
    await db.client.send(
      new UpdateCommand({
        TableName: db.table,
        Key: runningKey(merchantId, exportId),
        UpdateExpression: "SET leaseUntil = :zero",
        ConditionExpression: "attribute_exists(pk)",
        ExpressionAttributeValues: { ":zero": 0 },
      }),
    );
  } catch (error) {
    if (!isConditionFailed(error)) throw error;
  }
}

/** Off the list: its file is produced, or it has failed for good. */
export async function removeRunningExport(db: Db, merchantId: string, exportId: string): Promise<void> {
  await db.client.send(new DeleteCommand({ TableName: db.table, Key: runningKey(merchantId, exportId) }));
}

export const STORED_ITEMS = [
  { type: "export-running", sk: "<merchantId>#<exportId>", indexes: [] },
] as const satisfies readonly StoredItemType[];
