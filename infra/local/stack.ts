import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ACCESS_TOKEN_SCOPE } from "../../shared/auth/access-token.ts";
import { setFileStore } from "../../shared/files/file-store.ts";
import { newLocalSigningKey } from "../../shared/files/local-store.ts";
import { resetRuntimeDeps } from "../../shared/runtime.ts";
import { createDb, type Db } from "../../shared/store/db/client.ts";
import { ROUTES } from "../routes.ts";
import { createTable } from "./create-table.ts";
import { createHttpGateway } from "./http-gateway.ts";
import { createUserPoolAuthorizer } from "./jwt-authorizer.ts";
import type { UserPoolRef } from "./user-pool/client.ts";

export interface LocalStackOptions {
  dynamoEndpoint: string;
  tableName: string;
  /** The local user pool whose access tokens the gateway accepts, and that the handlers manage users in. */
  userPool: UserPoolRef;
  port: number;
  host?: string;
  /** Where exports are written; a directory of this table under the system's temp directory by default. */
  filesDir?: string;
}

export interface LocalStack {
  baseUrl: string;
  db: Db;
  server: Server;
  close(): Promise<void>;
}

/**
 * Everything but DynamoDB Local and the user pool themselves: the table, the environment the handlers read
 * (as Lambda's configuration would set it), and the HTTP gateway, which accepts the pool's access tokens as
 * API Gateway's JWT authorizer does. Used by `npm start` and by the end-to-end tests.
 */
export async function startLocalStack(options: LocalStackOptions): Promise<LocalStack> {
  await createTable(options.dynamoEndpoint, options.tableName);
  process.env.TABLE_NAME = options.tableName;
  process.env.DYNAMODB_ENDPOINT = options.dynamoEndpoint;
  process.env.AWS_REGION ??= "eu-west-3";
  // The product's Cognito adapter talks to the local pool when COGNITO_ENDPOINT is set.
  process.env.USER_POOL_ID = options.userPool.userPoolId;
  process.env.COGNITO_ENDPOINT = options.userPool.endpoint;
  // What the scanner app (functions/scanner-app.ts, config.json) signs staff in with, as on AWS.
  process.env.USER_POOL_CLIENT_ID = options.userPool.clientId;
  // Locally anyone may start a merchant, as a stack deployed with `-c signUp=open` (shared/merchants/signup.ts).
  process.env.SIGN_UP ??= "open";
  // Locally, webhook receivers listen on this machine: plain http to loopback (and loopback only) is let through
  // (shared/webhooks/runtime.ts); the stack on AWS never sets it.
  process.env.WEBHOOKS_ALLOW_LOOPBACK ??= "true";
  // Handlers keep their clients per container; a new table in the same process needs new ones.
  resetRuntimeDeps();
  const db = createDb({ table: options.tableName, endpoint: options.dynamoEndpoint });
  const authorizer = createUserPoolAuthorizer({
    issuer: `${options.userPool.endpoint}/${options.userPool.userPoolId}`,
    clientId: options.userPool.clientId,
    scopes: [ACCESS_TOKEN_SCOPE],
  });
  const server = createHttpGateway({ routes: ROUTES, authorizer });
  const host = options.host ?? "127.0.0.1";
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  // The local file store (shared/files/local-store.ts): a directory of this run, served by the gateway at
  // links signed with a key of this run.
  process.env.FILES_DIR = options.filesDir ?? join(tmpdir(), "loyalty-wallet-files", options.tableName);
  process.env.FILES_BASE_URL = `http://${host}:${port}`;
  process.env.FILES_SIGNING_KEY = newLocalSigningKey();
  setFileStore(undefined);
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
