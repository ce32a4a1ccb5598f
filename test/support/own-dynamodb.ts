import { afterAll, beforeAll } from "vitest";
import { createTable } from "../../infra/local/create-table.ts";
import { type RunningDynamoDb, startDynamoDbLocal } from "../../infra/local/dynamodb-local.ts";
import { createDb, type Db } from "../../shared/store/db/client.ts";

/**
 * A table in a DynamoDB Local of its own for the tests of the current file or describe block: started before
 * them and handed to `use`, stopped after them (also when the table could not be made). Register it before the
 * hooks that seed. For the scale cases: writes to a stream-enabled table slow down as the instance's stream data
 * piles up (../shared/reference/local-measurements.md), so a case seeding tens of thousands of items after
 * another one ran several times slower than alone (the statement case: 31 min in CI after the long-lived
 * customers, against about one on a fresh instance). No stream either: nothing here reads it, and writes to a
 * stream-enabled table are slower (infra/local/create-table.ts).
 */
export function onItsOwnDatabase(use: (db: Db) => void): void {
  let dynamo: RunningDynamoDb | undefined;
  beforeAll(async () => {
    dynamo = await startDynamoDbLocal();
    await createTable(dynamo.endpoint, "scale", { streams: false });
    use(createDb({ table: "scale", endpoint: dynamo.endpoint }));
  });
  afterAll(() => dynamo?.stop());
}
