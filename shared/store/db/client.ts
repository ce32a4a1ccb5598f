import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import {
  budgetFromEnv,
  DYNAMODB_CONNECT_TIMEOUT_MS,
  DYNAMODB_MAX_ATTEMPTS,
  DYNAMODB_REQUEST_TIMEOUT_MS,
} from "../../budgets.ts";
import { type SdkClientBudget, sdkClientBudget } from "../../sdk-client-budget.ts";

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
  /** The timeouts and attempts of every call; dynamoDbBudget() by default (tests inject short ones). */
  budget?: SdkClientBudget;
}

/** A stalled DynamoDB fails the call within DYNAMODB_CALL_BUDGET_MS; problem.ts makes that a 503. */
export const DYNAMODB_BUDGET: SdkClientBudget = {
  connectTimeoutMs: DYNAMODB_CONNECT_TIMEOUT_MS,
  requestTimeoutMs: DYNAMODB_REQUEST_TIMEOUT_MS,
  maxAttempts: DYNAMODB_MAX_ATTEMPTS,
};

/** DYNAMODB_BUDGET, with the request timeout DYNAMODB_REQUEST_TIMEOUT_MS gives (DynamoDB Local only). */
export function dynamoDbBudget(env: NodeJS.ProcessEnv = process.env): SdkClientBudget {
  return {
    ...DYNAMODB_BUDGET,
    requestTimeoutMs: budgetFromEnv("DYNAMODB_REQUEST_TIMEOUT_MS", DYNAMODB_REQUEST_TIMEOUT_MS, env),
  };
}

export function createDb(options: DbOptions): Db {
  const base = new DynamoDBClient({
    region: options.region ?? "eu-west-3",
    ...sdkClientBudget(options.budget ?? dynamoDbBudget()),
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
  return createDb({
    table,
    region: env.AWS_REGION,
    endpoint: env.DYNAMODB_ENDPOINT,
    budget: dynamoDbBudget(env),
  });
}
