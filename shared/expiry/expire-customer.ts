import { createHash } from "node:crypto";
import { DeleteCommand, GetCommand } from "@aws-sdk/lib-dynamodb";
import type { Db } from "../db/client.ts";
import { customerPk, inactivitySk } from "../db/keys.ts";
import { type AppendDeps, appendEntry } from "../ledger/append.ts";
import type { Batch } from "../ledger/batches.ts";
import { readOpenBatches } from "../ledger/batches.ts";

/** Thrown by the plan when nothing is due any more (already expired, or the deadline moved). */
class NothingDue extends Error {}

export interface ExpiryOutcome {
  points: number;
  batches: number;
}

const day = (iso: string) => iso.slice(0, 10);

/**
 * Writes one `expiry` entry for what is due for a customer at `now`: batches whose date has passed, or the
 * whole balance when an inactivity deadline has passed. Running it again finds nothing due (the batches are
 * spent), so nothing ever expires twice.
 */
export async function expireCustomer(
  deps: AppendDeps,
  merchantId: string,
  customerId: string,
  now: Date,
): Promise<ExpiryOutcome | undefined> {
  const { db } = deps;
  const nowIso = now.toISOString();
  let outcome: ExpiryOutcome | undefined;
  let staleDeadline: string | undefined;
  try {
    await appendEntry(
      { ...deps, clock: () => now },
      {
        merchantId,
        customerId,
        // A deterministic key: a run that died after writing replays instead of expiring twice.
        idempotency: {
          key: `expiry:${customerId}:${nowIso}`,
          fingerprint: createHash("sha256").update(`expiry:${customerId}:${nowIso}`).digest("hex"),
        },
        plan: async () => {
          const [batches, inactivity] = await Promise.all([
            readOpenBatches(db, merchantId, customerId),
            readInactivity(db, merchantId, customerId),
          ]);
          const inactive = inactivity !== undefined && inactivity.dueAt <= nowIso;
          const due = inactive
            ? batches
            : batches.filter((b) => b.expiresAt !== undefined && b.expiresAt <= nowIso);
          if (due.length === 0) {
            staleDeadline = inactive ? inactivity.dueAt : undefined;
            throw new NothingDue();
          }
          const points = due.reduce((sum, b) => sum + b.remaining, 0);
          outcome = { points, batches: due.length };
          return {
            entry: {
              type: "expiry",
              points: -points,
              inputs: {},
              explanation: inactive
                ? `${points} points expired on ${day(nowIso)}: no points earned for ${inactivity.days} days since ${day(inactivity.lastEarnedAt)}`
                : `${points} points expired on ${day(nowIso)}: ${describeBatches(due)}`,
            },
            spendOnly: new Set(due.map((b) => b.sk)),
            // The deadline is consumed with the balance; a concurrent earn that moved it makes this re-plan.
            extraItems: inactive
              ? [
                  {
                    Delete: {
                      TableName: db.table,
                      Key: { pk: customerPk(merchantId, customerId), sk: inactivitySk() },
                      ConditionExpression: "dueAt = :due",
                      ExpressionAttributeValues: { ":due": inactivity.dueAt },
                    },
                  },
                ]
              : [],
            respond: (entry) => ({ status: 201, body: { entryId: entry.id } }),
          };
        },
      },
    );
  } catch (error) {
    if (!(error instanceof NothingDue)) throw error;
    // An inactivity deadline passed on an empty balance: nothing to expire, just retire the deadline.
    if (staleDeadline) await retireDeadline(db, merchantId, customerId, staleDeadline);
    return undefined;
  }
  return outcome;
}

function describeBatches(batches: Batch[]): string {
  return batches
    .map((b) => `${b.remaining} earned on ${day(b.earnedAt)} (expiring ${day(b.expiresAt ?? "")})`)
    .join(", ");
}

export interface InactivityDeadline {
  dueAt: string;
  days: number;
  lastEarnedAt: string;
  remindersSent?: number[];
}

export async function readInactivity(db: Db, merchantId: string, customerId: string) {
  const { Item } = await db.client.send(
    new GetCommand({
      TableName: db.table,
      Key: { pk: customerPk(merchantId, customerId), sk: inactivitySk() },
      ConsistentRead: true,
    }),
  );
  return Item as InactivityDeadline | undefined;
}

async function retireDeadline(db: Db, merchantId: string, customerId: string, dueAt: string): Promise<void> {
  try {
    await db.client.send(
      new DeleteCommand({
        TableName: db.table,
        Key: { pk: customerPk(merchantId, customerId), sk: inactivitySk() },
        ConditionExpression: "dueAt = :due",
        ExpressionAttributeValues: { ":due": dueAt },
      }),
    );
  } catch (error) {
    // The customer earned meanwhile and the deadline moved: it is no longer due, leave it.
    if ((error as { name?: string }).name !== "ConditionalCheckFailedException") throw error;
  }
}
