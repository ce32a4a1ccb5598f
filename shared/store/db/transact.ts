import type { TransactWriteCommandInput } from "@aws-sdk/lib-dynamodb";
import { TransactWriteCommand } from "@aws-sdk/lib-dynamodb";
import type { Db } from "./client.ts";
import { cancellationCodes, isRetryableCancellation } from "./contention.ts";

export type TransactItem = NonNullable<TransactWriteCommandInput["TransactItems"]>[number];

/** A transaction item with the name its failure is reported by ("profile", "lots:2027-1", "redemption"). */
export interface NamedItem {
  name: string;
  item: TransactItem;
}

/** DynamoDB cancelled the transaction; the reasons are told by item name, never by position. */
export class TransactionCancelled extends Error {
  constructor(
    /** Items whose condition did not hold. */
    readonly failed: readonly string[],
    /** Contention or throttling that another try can get past. */
    readonly retryable: boolean,
  ) {
    super(`transaction cancelled (${failed.join(", ") || "contention"})`);
    this.name = "TransactionCancelled";
  }

  has(name: string): boolean {
    return this.failed.includes(name);
  }
}

/** Writes the items atomically; a cancellation becomes a TransactionCancelled naming what failed. */
export async function transact(db: Db, items: readonly NamedItem[]): Promise<void> {
  const names = items.map((i) => i.name);
  if (new Set(names).size !== names.length) throw new Error(`duplicate item names: ${names.join(", ")}`);
  try {
    await db.client.send(new TransactWriteCommand({ TransactItems: items.map((i) => i.item) }));
  } catch (error) {
    const codes = cancellationCodes(error);
    if (!codes) throw error;
    const failed = names.filter((_, i) => codes[i] === "ConditionalCheckFailed");
    throw new TransactionCancelled(failed, isRetryableCancellation(codes));
  }
}
