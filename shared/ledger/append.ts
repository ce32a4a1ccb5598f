import type { TransactWriteCommandInput } from "@aws-sdk/lib-dynamodb";
import { GetCommand, TransactWriteCommand } from "@aws-sdk/lib-dynamodb";
import { backoffDelayMs } from "../backoff.ts";
import type { Clock } from "../clock.ts";
import type { Db } from "../db/client.ts";
import {
  type Backoff,
  cancellationCodes,
  defaultBackoff,
  isRetryableCancellation,
} from "../db/contention.ts";
import {
  activityPk,
  activityShard,
  activitySk,
  customerPk,
  entryByIdPk,
  entryByIdSk,
  entrySk,
  locationActivityPk,
  profileSk,
  staffActivityPk,
} from "../db/keys.ts";
import { conflict, notFound, UnavailableError } from "../errors.ts";
import { batchExpiresAt, type ExpiryPolicy, inactivityDueAt } from "../expiry/policy.ts";
import {
  findStoredResponse,
  type Idempotency,
  type StoredResponse,
  storeResponseItem,
} from "../idempotency.ts";
import { newId } from "../ids.ts";
import type { Customer, LedgerEntry } from "../model.ts";
import { inactivityDeadline, openBatch, readOpenBatches, spendBatches } from "./batches.ts";
import { hashEntry } from "./hash-chain.ts";

type TransactItem = NonNullable<TransactWriteCommandInput["TransactItems"]>[number];

/** What an operation wants written, decided from the customer as read (it may throw a domain error). */
export interface EntryPlan<R> {
  entry: Omit<
    LedgerEntry,
    "id" | "merchantId" | "customerId" | "seq" | "balanceAfter" | "createdAt" | "prevHash" | "hash"
  >;
  /** Further profile attributes to set in the same write, e.g. the time of this visit. */
  profileUpdates?: Record<string, unknown>;
  /** Further items written atomically with the entry. */
  extraItems?: TransactItem[];
  /** For a credit: the expiry policy in force, recorded on the entry (`expiresAt`) and its batch. */
  expiry?: ExpiryPolicy;
  /** For a debit: spend exactly these batches (by sort key), as expiry does, instead of the oldest first. */
  spendOnly?: ReadonlySet<string>;
  /** The response to return, and to replay for the same Idempotency-Key. */
  respond: (entry: LedgerEntry) => { status: number; body: R };
}

export interface AppendDeps {
  db: Db;
  clock: Clock;
  backoff?: Backoff;
}

export interface AppendRequest<R> {
  merchantId: string;
  customerId: string;
  idempotency: Idempotency;
  /**
   * Decides the entry from the customer as read, and may read more (e.g. a redemption's status).
   * It runs again on every retry, so it always decides from fresh state.
   */
  plan: (customer: Customer, now: Date) => EntryPlan<R> | Promise<EntryPlan<R>>;
}

export interface AppendResult<R> {
  status: number;
  body: R;
  /** True when this is the stored response of an earlier request with the same key. */
  replayed: boolean;
}

const PROFILE_UPDATE_PREFIX = ":u";

/**
 * Appends one ledger entry and moves the balance in a single transaction guarded by the customer's
 * entry count, so two writers can never both extend the chain from the same head: the loser re-reads
 * and tries again. The Idempotency-Key record is claimed in the same transaction.
 */
export async function appendEntry<R>(deps: AppendDeps, request: AppendRequest<R>): Promise<AppendResult<R>> {
  const backoff = deps.backoff ?? defaultBackoff;
  const { db } = deps;
  for (let attempt = 0; attempt < backoff.maxAttempts; attempt++) {
    // Both reads at once: every write needs the customer, and a replay (the rare case) wastes one read.
    const [stored, customer] = await Promise.all([
      findStoredResponse(db, request.merchantId, request.idempotency),
      readCustomer(db, request.merchantId, request.customerId),
    ]);
    if (stored) return { ...(stored as StoredResponse & { body: R }), replayed: true };
    if (!customer) throw notFound("Customer");
    const now = deps.clock();
    const plan = await request.plan(customer, now);
    const expiresAt = plan.entry.points > 0 && plan.expiry ? batchExpiresAt(plan.expiry, now) : undefined;
    const entry = buildEntry(
      customer,
      { ...plan, entry: { ...plan.entry, ...(expiresAt ? { expiresAt } : {}) } },
      now,
    );
    if (entry.balanceAfter < 0) {
      throw conflict("The balance is too low for this change.", { balance: customer.balance });
    }
    const response = plan.respond(entry);
    try {
      await db.client.send(
        new TransactWriteCommand({
          TransactItems: [
            storeResponseItem(db, request.merchantId, request.idempotency, response, now),
            {
              Put: {
                TableName: db.table,
                Item: entryItem(entry),
                ConditionExpression: "attribute_not_exists(pk)",
              },
            },
            profileUpdate(db, customer, entry, plan.profileUpdates ?? {}),
            ...(plan.extraItems ?? []),
            ...(await batchItems(db, entry, plan)),
          ],
        }),
      );
      return { ...response, replayed: false };
    } catch (error) {
      const codes = cancellationCodes(error);
      if (!codes) throw error;
      // The key was claimed meanwhile by the same request: the next round replays its response.
      if (codes[0] === "ConditionalCheckFailed") continue;
      // The chain moved, or an extra item's condition failed (its state changed): plan again from fresh reads.
      const stateMoved = codes.slice(2).includes("ConditionalCheckFailed");
      if (stateMoved || isRetryableCancellation(codes)) {
        await backoff.sleep(backoffDelayMs(backoff, attempt + 1, backoff.random));
        continue;
      }
      throw error;
    }
  }
  throw new UnavailableError("The customer's account is busy; retry with the same Idempotency-Key.", 1);
}

export async function readCustomer(
  db: Db,
  merchantId: string,
  customerId: string,
): Promise<Customer | undefined> {
  const { Item } = await db.client.send(
    new GetCommand({
      TableName: db.table,
      Key: { pk: customerPk(merchantId, customerId), sk: profileSk() },
      ConsistentRead: true,
    }),
  );
  return Item as Customer | undefined;
}

function buildEntry<R>(customer: Customer, plan: EntryPlan<R>, now: Date): LedgerEntry {
  const seq = customer.seq + 1;
  const draft = {
    ...plan.entry,
    id: newId("txn", now),
    merchantId: customer.merchantId,
    customerId: customer.id,
    seq,
    balanceAfter: customer.balance + plan.entry.points,
    createdAt: now.toISOString(),
    prevHash: customer.headHash,
  };
  return { ...draft, hash: hashEntry(draft) } as LedgerEntry;
}

function entryItem(entry: LedgerEntry): Record<string, unknown> {
  const sk = activitySk(entry.createdAt, entry.id);
  return {
    ...entry,
    pk: customerPk(entry.merchantId, entry.customerId),
    sk: entrySk(entry.seq),
    gsi1pk: activityPk(entry.merchantId, activityShard(entry.customerId)),
    gsi1sk: sk,
    ...(entry.locationId
      ? { gsi2pk: locationActivityPk(entry.merchantId, entry.locationId), gsi2sk: sk }
      : {}),
    ...(entry.staffId ? { gsi3pk: staffActivityPk(entry.merchantId, entry.staffId), gsi3sk: sk } : {}),
    gsi4pk: entryByIdPk(entry.merchantId, entry.id),
    gsi4sk: entryByIdSk(),
  };
}

function profileUpdate(
  db: Db,
  customer: Customer,
  entry: LedgerEntry,
  extra: Record<string, unknown>,
): TransactItem {
  const names: Record<string, string> = {};
  const values: Record<string, unknown> = {
    ":balance": entry.balanceAfter,
    ":seq": entry.seq,
    ":expectedSeq": customer.seq,
    ":head": entry.hash,
    ":now": entry.createdAt,
  };
  const sets = ["balance = :balance", "seq = :seq", "headHash = :head", "updatedAt = :now"];
  Object.entries(extra).forEach(([path, value], i) => {
    // Paths like "lastVisits.prog_1" address a map member; each segment gets its own name placeholder.
    const placeholders = path.split(".").map((segment, j) => {
      const name = `#u${i}_${j}`;
      names[name] = segment;
      return name;
    });
    values[`${PROFILE_UPDATE_PREFIX}${i}`] = value;
    sets.push(`${placeholders.join(".")} = ${PROFILE_UPDATE_PREFIX}${i}`);
  });
  return {
    Update: {
      TableName: db.table,
      Key: { pk: customerPk(customer.merchantId, customer.id), sk: profileSk() },
      UpdateExpression: `SET ${sets.join(", ")}`,
      ConditionExpression: "seq = :expectedSeq",
      ...(Object.keys(names).length > 0 ? { ExpressionAttributeNames: names } : {}),
      ExpressionAttributeValues: values,
    },
  };
}

/** A credit opens a batch (and moves an inactivity deadline); a debit spends batches. */
async function batchItems<R>(db: Db, entry: LedgerEntry, plan: EntryPlan<R>): Promise<TransactItem[]> {
  if (entry.points > 0) {
    const dueAt = plan.expiry ? inactivityDueAt(plan.expiry, new Date(entry.createdAt)) : undefined;
    const days = plan.expiry?.kind === "inactivity" ? plan.expiry.days : 0;
    return [openBatch(db, entry), ...(dueAt ? [inactivityDeadline(db, entry, dueAt, days)] : [])];
  }
  if (entry.points < 0) {
    const batches = await readOpenBatches(
      db,
      entry.merchantId,
      entry.customerId,
      plan.spendOnly ? Number.POSITIVE_INFINITY : -entry.points,
    );
    return spendBatches(db, entry.merchantId, entry.customerId, batches, -entry.points, plan.spendOnly);
  }
  return [];
}
