import { randomUUID } from "node:crypto";
import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  AdminCreateUserCommand,
  AdminSetUserPasswordCommand,
  DeleteUserPoolCommand,
  type InitiateAuthCommandOutput,
} from "@aws-sdk/client-cognito-identity-provider";
import { decodeJwt } from "jose";
import { inject } from "vitest";
import { createTable } from "../../infra/local/create-table.ts";
import { startDynamoDbLocal } from "../../infra/local/dynamodb-local.ts";
import { type LocalNotifications, startLocalNotifications } from "../../infra/local/notifications.ts";
import { DEMO, seedDemo } from "../../infra/local/seed.ts";
import { type LocalStack, startLocalStack } from "../../infra/local/stack.ts";
import { signIn, type UserPoolRef, userPoolClient } from "../../infra/local/user-pool/client.ts";
import { provisionUserPool } from "../../infra/local/user-pool/provision.ts";
import { type LocalWallet, startLocalWallet } from "../../infra/local/wallet.ts";
import { systemClock } from "../../shared/clock.ts";
import { createMerchant, createStaff } from "../../shared/merchants/setup.ts";
import type { Db } from "../../shared/store/db/client.ts";
import { createDb } from "../../shared/store/db/client.ts";
import { type Eml, readEml } from "./mail.ts";
import { conformingFetch, takeViolations } from "./openapi-validator.ts";

/**
 * A table of its own in the shared DynamoDB Local, so test files never see each other's data. No stream: the
 * files that test stream handlers build the records they feed them.
 */
export async function testDb(): Promise<Db> {
  const endpoint = inject("dynamoEndpoint");
  const table = `test-${randomUUID()}`;
  await createTable(endpoint, table, { streams: false });
  return createDb({ table, endpoint });
}

export interface TestStack extends LocalStack {
  /** The stack's own pool in the run's user pool service (test/support/user-pool-global-setup.ts). */
  userPool: UserPoolRef;
  /** InitiateAuth USER_PASSWORD_AUTH with the scanner client: the tokens, or the challenge to answer. */
  signIn(email: string, password: string): Promise<InitiateAuthCommandOutput>;
  /** What the pool sent (invitations, codes), as .eml files. */
  mail: UserPoolMailbox;
  /** The local APNs server, Google recorder and stream poller; only with `{ wallet: true }`. */
  wallet?: LocalWallet;
  /** The mail sink (its .eml files in a temp dir) and the notifications poller; only with `{ notifications: true }`. */
  notifications?: LocalNotifications;
  /**
   * A real access token from the pool for a demo staff member ("alice", "bob": the seeded sign-ins) or the
   * other merchant's owner ("mallory").
   */
  token(who: "alice" | "bob" | "mallory"): Promise<string>;
  /** The three of them at once: the owner and the staff member of the demo merchant, the other's owner. */
  tokens(): Promise<{ alice: string; bob: string; mallory: string }>;
  /**
   * A real access token for any staff id of the demo merchant (the record decides what it may do): a user
   * `<staffId>@<merchantId>.test.invalid` with that staff's ids, created once.
   */
  tokenFor(staffId: string): Promise<string>;
  /** An HTTP call to the stack; its answer must be one docs/openapi.yaml describes (openapi-validator.ts). */
  call(method: string, path: string, options?: CallOptions): Promise<CallResult>;
}

export interface CallOptions {
  token?: string;
  body?: unknown;
  headers?: Record<string, string>;
}

export interface CallResult {
  status: number;
  headers: Headers;
  // biome-ignore lint/suspicious/noExplicitAny: tests read response JSON by path; a wrong path fails the assertion.
  body: any;
}

export const OTHER_MERCHANT = { merchantId: "other", staffId: "staff_mallory" };

/** The password of the users tokenFor creates; it meets the pool's policy. */
export const TEST_USER_PASSWORD = "Test-password-1234!";

export interface PoolMail extends Eml {
  file: string;
  to: string;
}

export interface UserPoolMailbox {
  dir: string;
  /** Every message so far, oldest first. */
  read(): Promise<PoolMail[]>;
  /** The first message matching, once written (within `timeoutMs`, 5 s by default). */
  waitFor(match: (mail: PoolMail) => boolean, timeoutMs?: number): Promise<PoolMail>;
}

function userPoolMailbox(dir: string): UserPoolMailbox {
  const read = async (): Promise<PoolMail[]> => {
    // The files are named by the time they were written, so their order is the order of sending.
    const files = (await readdir(dir).catch(() => [] as string[])).filter((f) => f.endsWith(".eml")).sort();
    return Promise.all(
      files.map(async (name) => {
        const eml = await readEml(join(dir, name));
        return { ...eml, file: join(dir, name), to: eml.headers.to ?? "" };
      }),
    );
  };
  return {
    dir,
    read,
    async waitFor(match, timeoutMs = 5_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const found = (await read()).find(match);
        if (found) return found;
        if (Date.now() > deadline) throw new Error(`no matching message in ${dir} within ${timeoutMs} ms`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    },
  };
}

export interface TestStackOptions {
  /** Also start the wallet pieces (APNs server, Google recorder, stream poller), before seeding. */
  wallet?: boolean;
  /** The stream poller's pause between rounds; 100 ms as `npm start` by default. */
  pollIntervalMs?: number;
  /** Also start the mail sink and the notifications stream handler (after the wallet, before seeding). */
  notifications?: boolean;
  /**
   * A DynamoDB Local of its own instead of the run's shared one, for a file that waits on the stream while the
   * others write: reads of a stream slow down as the instance's stream data piles up
   * (../shared/reference/local-measurements.md), and late in a full run the wallet's pushes came too slowly.
   */
  ownDatabase?: boolean;
}

/** The whole local stack on a free port with the demo merchant seeded, plus a second merchant for isolation tests. */
export async function startTestStack(options: TestStackOptions = {}): Promise<TestStack> {
  const tableName = `e2e-${randomUUID()}`;
  const ownDynamo = options.ownDatabase ? await startDynamoDbLocal() : undefined;
  const dynamoEndpoint = ownDynamo?.endpoint ?? inject("dynamoEndpoint");
  const userPool = await provisionUserPool(inject("cognitoEndpoint"), { poolName: tableName });
  const stack = await startLocalStack({
    dynamoEndpoint,
    tableName,
    userPool,
    port: 0,
  });
  const wallet = options.wallet
    ? await startTestWallet(stack, dynamoEndpoint, tableName, options)
    : undefined;
  const notifications = options.notifications
    ? await startTestNotifications(dynamoEndpoint, tableName, options)
    : undefined;
  await seedDemo({ db: stack.db, clock: systemClock, userPool });
  const now = new Date().toISOString();
  await createMerchant(stack.db, {
    id: OTHER_MERCHANT.merchantId,
    name: "Other",
    country: "FR",
    currency: "EUR",
    createdAt: now,
  });
  await createStaff(stack.db, {
    merchantId: OTHER_MERCHANT.merchantId,
    id: OTHER_MERCHANT.staffId,
    name: "Mallory",
    role: "owner",
    locationIds: "*",
    active: true,
    createdAt: now,
  });
  const tokens = poolTokens(userPool);
  const token = (who: "alice" | "bob" | "mallory") =>
    who === "mallory"
      ? tokens.forStaff(OTHER_MERCHANT.merchantId, OTHER_MERCHANT.staffId)
      : tokens.forStaff(DEMO.merchantId, DEMO.staff[who].id);
  const call = async (method: string, path: string, options: CallOptions = {}): Promise<CallResult> => {
    const response = await conformingFetch(stack.baseUrl + path, {
      method,
      headers: {
        ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
        ...(options.body !== undefined ? { "content-type": "application/json" } : {}),
        ...options.headers,
      },
      ...(options.body !== undefined
        ? { body: typeof options.body === "string" ? options.body : JSON.stringify(options.body) }
        : {}),
    });
    const text = await response.text();
    let body: unknown = text;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      // not JSON: leave the text
    }
    return { status: response.status, headers: response.headers, body };
  };
  const tokenFor = (staffId: string) => tokens.forStaff(DEMO.merchantId, staffId);
  const close = async () => {
    await notifications?.close();
    await wallet?.close();
    await stack.close();
    await ownDynamo?.stop();
    const admin = userPoolClient(userPool);
    await admin
      .send(new DeleteUserPoolCommand({ UserPoolId: userPool.userPoolId }))
      .finally(() => admin.destroy());
    // A call whose rejection was swallowed (allSettled, a retry loop) still fails the file.
    const violations = takeViolations();
    if (violations.length > 0) {
      throw new Error(`${violations.length} answers broke docs/openapi.yaml:\n${violations.join("\n")}`);
    }
  };
  return {
    ...stack,
    userPool,
    signIn: (email, password) => signIn(userPool, email, password),
    mail: userPoolMailbox(join(inject("cognitoMailRoot"), userPool.userPoolId)),
    token,
    tokens: async () => {
      const [alice, bob, mallory] = await Promise.all([token("alice"), token("bob"), token("mallory")]);
      return { alice, bob, mallory };
    },
    tokenFor,
    call,
    close,
    ...(wallet ? { wallet } : {}),
    ...(notifications ? { notifications } : {}),
  };
}

/**
 * Access tokens from the pool, each signed in for once and kept until a minute before it expires. The demo
 * staff sign in with their seeded users; any other staff id gets a user of its own with its ids.
 */
function poolTokens(userPool: UserPoolRef) {
  const users = new Map<string, Promise<{ email: string; password: string }>>();
  const tokens = new Map<string, { token: string; exp: number }>();
  const demoSignIn = (merchantId: string, staffId: string) =>
    merchantId === DEMO.merchantId ? Object.values(DEMO.staff).find((s) => s.id === staffId) : undefined;

  async function createUser(merchantId: string, staffId: string) {
    const email = `${staffId}@${merchantId}.test.invalid`.toLowerCase();
    const client = userPoolClient(userPool);
    try {
      await client.send(
        new AdminCreateUserCommand({
          UserPoolId: userPool.userPoolId,
          Username: email,
          MessageAction: "SUPPRESS",
          UserAttributes: [
            { Name: "email", Value: email },
            { Name: "email_verified", Value: "true" },
            { Name: "custom:merchant_id", Value: merchantId },
            { Name: "custom:staff_id", Value: staffId },
          ],
        }),
      );
      await client.send(
        new AdminSetUserPasswordCommand({
          UserPoolId: userPool.userPoolId,
          Username: email,
          Password: TEST_USER_PASSWORD,
          Permanent: true,
        }),
      );
      return { email, password: TEST_USER_PASSWORD };
    } finally {
      client.destroy();
    }
  }

  return {
    async forStaff(merchantId: string, staffId: string): Promise<string> {
      const key = `${merchantId}/${staffId}`;
      const cached = tokens.get(key);
      if (cached && cached.exp * 1000 - Date.now() > 60_000) return cached.token;
      let user = users.get(key);
      if (!user) {
        const demo = demoSignIn(merchantId, staffId);
        user = demo ? Promise.resolve(demo) : createUser(merchantId, staffId);
        users.set(key, user);
      }
      const { email, password } = await user;
      const token = (await signIn(userPool, email, password)).AuthenticationResult?.AccessToken;
      if (!token) throw new Error(`${email} got a challenge instead of tokens`);
      tokens.set(key, { token, exp: decodeJwt(token).exp ?? 0 });
      return token;
    },
  };
}

/** The wallet pieces with their files (dev certificates, keys, delivery logs) in a directory of their own. */
async function startTestWallet(
  stack: LocalStack,
  dynamoEndpoint: string,
  tableName: string,
  options: TestStackOptions,
): Promise<LocalWallet> {
  const localDir = await mkdtemp(join(tmpdir(), "wallet-e2e-"));
  const wallet = await startLocalWallet({
    dynamoEndpoint,
    tableName,
    apiBaseUrl: stack.baseUrl,
    localDir,
    ...(options.pollIntervalMs ? { pollIntervalMs: options.pollIntervalMs } : {}),
  });
  return {
    ...wallet,
    close: async () => {
      await wallet.close();
      await rm(localDir, { recursive: true, force: true });
    },
  };
}

/** The mail sink writes to a directory of its own; one SES request per delivery attempt, so failures count exactly. */
async function startTestNotifications(
  dynamoEndpoint: string,
  tableName: string,
  options: TestStackOptions,
): Promise<LocalNotifications> {
  const mailDir = await mkdtemp(join(tmpdir(), "mail-e2e-"));
  const notifications = await startLocalNotifications({
    dynamoEndpoint,
    tableName,
    mailDir,
    sesMaxAttempts: 1,
    ...(options.pollIntervalMs ? { pollIntervalMs: options.pollIntervalMs } : {}),
  });
  return {
    ...notifications,
    close: async () => {
      await notifications.close();
      await rm(mailDir, { recursive: true, force: true });
    },
  };
}
