import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { resetRuntimeDeps } from "../../shared/runtime.ts";
import { createDb, type Db } from "../../shared/store/db/client.ts";
import { ROUTES } from "../routes.ts";
import { createTable } from "./create-table.ts";
import { createHttpGateway } from "./http-gateway.ts";
import type { LocalAuthorizer } from "./jwt-authorizer.ts";

export interface LocalStackOptions {
  dynamoEndpoint: string;
  tableName: string;
  authorizer: LocalAuthorizer;
  port: number;
  host?: string;
}

export interface LocalStack {
  baseUrl: string;
  db: Db;
  server: Server;
  close(): Promise<void>;
}

/**
 * Everything but DynamoDB Local itself: the table, the environment the handlers read (as Lambda's
 * configuration would set it), and the HTTP gateway. Used by `npm start` and by the end-to-end tests.
 */
export async function startLocalStack(options: LocalStackOptions): Promise<LocalStack> {
  await createTable(options.dynamoEndpoint, options.tableName);
  process.env.TABLE_NAME = options.tableName;
  process.env.DYNAMODB_ENDPOINT = options.dynamoEndpoint;
  process.env.AWS_REGION ??= "eu-west-3";
  // Handlers keep their clients per container; a new table in the same process needs new ones.
  resetRuntimeDeps();
  const db = createDb({ table: options.tableName, endpoint: options.dynamoEndpoint });
  const server = createHttpGateway({ routes: ROUTES, authorizer: options.authorizer });
  const host = options.host ?? "127.0.0.1";
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://${host}:${port}`,
    db,
    server,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
        db.client.destroy();
      }),
  };
}
