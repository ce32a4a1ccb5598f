import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";

/** What domain code needs to reach the table: a document client and the table's name. */
export interface Db {
  client: DynamoDBDocumentClient;
  table: string;
}

export interface DbOptions {
  table: string;
  region?: string;
  /** DynamoDB Local's URL; absent on AWS. */
  endpoint?: string;
}

export function createDb(options: DbOptions): Db {
  const base = new DynamoDBClient({
    region: options.region ?? "eu-west-3",
    ...(options.endpoint
      ? { endpoint: options.endpoint, credentials: { accessKeyId: "local", secretAccessKey: "local" } }
      : {}),
  });
  const client = DynamoDBDocumentClient.from(base, {
    marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: false },
  });
  return { client, table: options.table };
}

/** Reads the table's location from the environment, as Lambda and the local stack both set it. */
export function dbFromEnv(env: NodeJS.ProcessEnv = process.env): Db {
  const table = env.TABLE_NAME;
  if (!table) throw new Error("TABLE_NAME is not set");
  return createDb({ table, region: env.AWS_REGION, endpoint: env.DYNAMODB_ENDPOINT });
}
