import type { ConsumedCapacity } from "@aws-sdk/client-dynamodb";
import type { Db } from "../../shared/store/db/client.ts";

/** What a block of code consumed, as DynamoDB reports it (table and indexes). */
export interface Consumed {
  readUnits: number;
  writeUnits: number;
  /** Items read (returned by GetItem and BatchGetItem, examined by Query). */
  itemsRead: number;
}

const WRITE_COMMANDS = new Set([
  "PutItemCommand",
  "UpdateItemCommand",
  "DeleteItemCommand",
  "TransactWriteItemsCommand",
  "BatchWriteItemCommand",
]);

/**
 * Asks DynamoDB for the consumed capacity (indexes included) on every call through this client and adds
 * it up, so a bench can attribute capacity units to one operation of the product.
 */
export function meterCapacity(db: Db) {
  let current: Consumed = { readUnits: 0, writeUnits: 0, itemsRead: 0 };
  db.client.middlewareStack.add(
    (next, context) => async (args) => {
      const input = args.input as { ReturnConsumedCapacity?: string };
      input.ReturnConsumedCapacity = "INDEXES";
      const result = await next(args);
      const output = result.output as {
        ConsumedCapacity?: ConsumedCapacity | ConsumedCapacity[];
        Item?: unknown;
        ScannedCount?: number;
        Responses?: Record<string, unknown[]>;
      };
      current.itemsRead +=
        (output.Item ? 1 : 0) +
        (output.ScannedCount ?? 0) +
        Object.values(output.Responses ?? {}).reduce(
          (sum, items) => sum + (Array.isArray(items) ? items.length : 0),
          0,
        );
      const units = [output.ConsumedCapacity ?? []]
        .flat()
        .reduce((sum, c) => sum + (c.CapacityUnits ?? 0), 0);
      if (WRITE_COMMANDS.has(context.commandName ?? "")) current.writeUnits += units;
      else current.readUnits += units;
      return result;
    },
    { step: "initialize", name: "meterCapacity" },
  );
  return {
    async measure(run: () => Promise<unknown>): Promise<Consumed> {
      current = { readUnits: 0, writeUnits: 0, itemsRead: 0 };
      await run();
      // A copy: what the client does afterwards must not add to this measure.
      return { ...current };
    },
  };
}
