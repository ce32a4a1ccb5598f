import { GetCommand, QueryCommand } from "@aws-sdk/lib-dynamodb";
import type { Db } from "../db/client.ts";
import { customerPk, ENTRY_PREFIX, entryByIdPk, entrySk, SEQ_DIGITS } from "../db/keys.ts";
import { beforeOf, numberedPage } from "../db/numbered-page.ts";
import { queryAll } from "../db/query-all.ts";
import { notFound } from "../errors.ts";
import type { LedgerEntry } from "../model.ts";
import { readCustomer } from "./append.ts";
import { type ChainVerdict, type StoredEntry, verifyChain } from "./hash-chain.ts";

export interface EntryPage {
  entries: LedgerEntry[];
  nextCursor: string | null;
}

/** A customer's entries, newest first. */
export async function listEntries(
  db: Db,
  merchantId: string,
  customerId: string,
  page: { limit: number; cursor?: string },
): Promise<EntryPage> {
  const entries = {
    pk: customerPk(merchantId, customerId),
    prefix: ENTRY_PREFIX,
    skOf: entrySk,
    digits: SEQ_DIGITS,
    numberOf: (item: Record<string, unknown>) => item.seq as number,
  };
  beforeOf(entries, page.cursor);
  const customer = await readCustomer(db, merchantId, customerId);
  if (!customer) throw notFound("Customer");
  const result = await numberedPage(db, entries, page);
  return { entries: result.items as unknown as LedgerEntry[], nextCursor: result.nextCursor };
}

/** Every entry of a customer, oldest first, storage attributes included. */
export async function readWholeLedger(
  db: Db,
  merchantId: string,
  customerId: string,
): Promise<StoredEntry[]> {
  return (await queryAll(db, {
    KeyConditionExpression: "pk = :pk AND begins_with(sk, :prefix)",
    ExpressionAttributeValues: { ":pk": customerPk(merchantId, customerId), ":prefix": ENTRY_PREFIX },
    ConsistentRead: true,
  })) as StoredEntry[];
}

export async function verifyLedger(db: Db, merchantId: string, customerId: string): Promise<ChainVerdict> {
  const customer = await readCustomer(db, merchantId, customerId);
  if (!customer) throw notFound("Customer");
  // The profile is read first: entries appended after it are newer than the head it names, and left out.
  const entries = (await readWholeLedger(db, merchantId, customerId)).filter((e) => e.seq <= customer.seq);
  return verifyChain(entries, customer);
}

/**
 * An entry by its id, within one merchant. The id index is eventually consistent (milliseconds);
 * the entry itself is then read consistently.
 */
export async function findEntryById(
  db: Db,
  merchantId: string,
  entryId: string,
): Promise<StoredEntry | undefined> {
  const { Items = [] } = await db.client.send(
    new QueryCommand({
      TableName: db.table,
      IndexName: "gsi4",
      KeyConditionExpression: "gsi4pk = :pk",
      ExpressionAttributeValues: { ":pk": entryByIdPk(merchantId, entryId) },
      Limit: 1,
    }),
  );
  const key = Items[0];
  if (!key) return undefined;
  const { Item } = await db.client.send(
    new GetCommand({ TableName: db.table, Key: { pk: key.pk, sk: key.sk }, ConsistentRead: true }),
  );
  return Item as StoredEntry | undefined;
}
