import {
  CreateTableCommand,
  type CreateTableCommandInput,
  DynamoDBClient,
  ResourceInUseException,
  UpdateTimeToLiveCommand,
} from "@aws-sdk/client-dynamodb";
import { sdkClientBudget } from "../../shared/sdk-client-budget.ts";
import { dynamoDbBudget } from "../../shared/store/db/client.ts";
import { keyAttributes, TABLE } from "../../shared/store/db/table-definition.ts";

export interface TableOptions {
  /**
   * False for a table nobody reads the stream of (domain-level and scale tests feed handlers records they build):
   * DynamoDB Local writes about 3× slower to a stream-enabled table (5 against 13–15 ms a put, measured side by
   * side), and its stream data slows the whole instance as it piles up.
   */
  streams?: boolean;
}

/** The CreateTable request for the shared table definition, as DynamoDB Local needs it. */
export function createTableInput(
  tableName: string,
  { streams = true }: TableOptions = {},
): CreateTableCommandInput {
  return {
    TableName: tableName,
    BillingMode: "PAY_PER_REQUEST",
    AttributeDefinitions: keyAttributes().map((name) => ({ AttributeName: name, AttributeType: "S" })),
    KeySchema: [
      { AttributeName: TABLE.partitionKey, KeyType: "HASH" },
      { AttributeName: TABLE.sortKey, KeyType: "RANGE" },
    ],
    GlobalSecondaryIndexes: TABLE.indexes.map((index) => ({
      IndexName: index.name,
      KeySchema: [
        { AttributeName: index.partitionKey, KeyType: "HASH" },
        { AttributeName: index.sortKey, KeyType: "RANGE" },
      ],
      Projection: {
        ProjectionType: index.projection,
        ...(index.include ? { NonKeyAttributes: [...index.include] } : {}),
      },
    })),
    ...(streams ? { StreamSpecification: { StreamEnabled: true, StreamViewType: TABLE.streamView } } : {}),
  };
}

export async function createTable(
  endpoint: string,
  tableName: string,
  options: TableOptions = {},
): Promise<void> {
  const client = new DynamoDBClient({
    endpoint,
    region: "eu-west-3",
    credentials: { accessKeyId: "local", secretAccessKey: "local" },
    ...sdkClientBudget(dynamoDbBudget()),
  });
  try {
    try {
      await client.send(new CreateTableCommand(createTableInput(tableName, options)));
    } catch (error) {
      // A create that outran the client's timeout on a busy machine is retried by the SDK and then meets the
      // table it made: the database was started empty for us, so a table already there is that one.
      if (!(error instanceof ResourceInUseException)) throw error;
    }
    await client.send(
      new UpdateTimeToLiveCommand({
        TableName: tableName,
        TimeToLiveSpecification: { AttributeName: TABLE.ttlAttribute, Enabled: true },
      }),
    );
  } finally {
    client.destroy();
  }
}
