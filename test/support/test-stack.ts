import { randomUUID } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { inject } from "vitest";
import { createTable } from "../../infra/local/create-table.ts";
import { createLocalAuthorizer, type LocalAuthorizer } from "../../infra/local/jwt-authorizer.ts";
import { type LocalNotifications, startLocalNotifications } from "../../infra/local/notifications.ts";
import { DEMO, seedDemo } from "../../infra/local/seed.ts";
import { type LocalStack, startLocalStack } from "../../infra/local/stack.ts";
import { type LocalWallet, startLocalWallet } from "../../infra/local/wallet.ts";
import { systemClock } from "../../shared/clock.ts";
import { createMerchant, createStaff } from "../../shared/merchants/setup.ts";
import type { Db } from "../../shared/store/db/client.ts";
import { createDb } from "../../shared/store/db/client.ts";
import { conformingFetch, takeViolations } from "./openapi-validator.ts";

/** A table of its own in the shared DynamoDB Local, so test files never see each other's data. */
export async function testDb(): Promise<Db> {
  const endpoint = inject("dynamoEndpoint");
  const table = `test-${randomUUID()}`;
  await createTable(endpoint, table);
  return createDb({ table, endpoint });
}

export interface TestStack extends LocalStack {
  authorizer: LocalAuthorizer;
  /** The local APNs server, Google recorder and stream poller; only with `{ wallet: true }`. */
  wallet?: LocalWallet;
  /** The mail sink (its .eml files in a temp dir) and the notifications poller; only with `{ notifications: true }`. */
  notifications?: LocalNotifications;
  /** Bearer token of a demo staff member ("alice", "bob") or of the other merchant's owner ("mallory"). */
  token(who: "alice" | "bob" | "mallory"): Promise<string>;
  /** A token for any staff id of the demo merchant (the record decides what it may do). */
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

export interface TestStackOptions {
  /** Also start the wallet pieces (APNs server, Google recorder, stream poller), before seeding. */
  wallet?: boolean;
  /** The stream poller's pause between rounds; 100 ms as `npm start` by default. */
  pollIntervalMs?: number;
  /** Also start the mail sink and the notifications stream handler (after the wallet, before seeding). */
  notifications?: boolean;
}

/** The whole local stack on a free port with the demo merchant seeded, plus a second merchant for isolation tests. */
export async function startTestStack(options: TestStackOptions = {}): Promise<TestStack> {
  const authorizer = await createLocalAuthorizer();
  const tableName = `e2e-${randomUUID()}`;
  const stack = await startLocalStack({
    dynamoEndpoint: inject("dynamoEndpoint"),
    tableName,
    authorizer,
    port: 0,
  });
  const wallet = options.wallet ? await startTestWallet(stack, tableName, options) : undefined;
  const notifications = options.notifications ? await startTestNotifications(tableName, options) : undefined;
  await seedDemo({ db: stack.db, clock: systemClock });
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
  const token = (who: "alice" | "bob" | "mallory") => {
    if (who === "mallory") {
      return authorizer.issue({
        merchantId: OTHER_MERCHANT.merchantId,
        staffId: OTHER_MERCHANT.staffId,
        role: "owner",
        locations: "*",
      });
    }
    const member = DEMO.staff[who];
    return authorizer.issue({
      merchantId: DEMO.merchantId,
      staffId: member.id,
      role: member.role,
      locations: member.locationIds === "*" ? "*" : [...member.locationIds],
    });
  };
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
  const tokenFor = (staffId: string) =>
    authorizer.issue({ merchantId: DEMO.merchantId, staffId, role: "staff", locations: [] });
  const close = async () => {
    await notifications?.close();
    await wallet?.close();
    await stack.close();
    // A call whose rejection was swallowed (allSettled, a retry loop) still fails the file.
    const violations = takeViolations();
    if (violations.length > 0) {
      throw new Error(`${violations.length} answers broke docs/openapi.yaml:\n${violations.join("\n")}`);
    }
  };
  return {
    ...stack,
    authorizer,
    token,
    tokenFor,
    call,
    close,
    ...(wallet ? { wallet } : {}),
    ...(notifications ? { notifications } : {}),
  };
}

/** The wallet pieces with their files (dev certificates, keys, delivery logs) in a directory of their own. */
async function startTestWallet(
  stack: LocalStack,
  tableName: string,
  options: TestStackOptions,
): Promise<LocalWallet> {
  const localDir = await mkdtemp(join(tmpdir(), "wallet-e2e-"));
  const wallet = await startLocalWallet({
    dynamoEndpoint: inject("dynamoEndpoint"),
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
  tableName: string,
  options: TestStackOptions,
): Promise<LocalNotifications> {
  const mailDir = await mkdtemp(join(tmpdir(), "mail-e2e-"));
  const notifications = await startLocalNotifications({
    dynamoEndpoint: inject("dynamoEndpoint"),
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
