import { readCustomer } from "../../shared/store/customers/profile.ts";
import { unzipPkpass } from "../unit/passes/apple-pkpass-tools.ts";
import { conformingFetch } from "./openapi-validator.ts";
import type { TestStack } from "./test-stack.ts";

/** What a device knows of a member's Apple pass: its serial and authentication token. */
export async function memberPass(stack: TestStack, merchantId: string, customerId: string) {
  const customer = await readCustomer(stack.db, merchantId, customerId);
  if (!customer) throw new Error(`no customer ${customerId}`);
  return { serialNumber: customer.passSerial, authenticationToken: customer.passToken };
}

export interface AppleCall {
  status: number;
  headers: Headers;
  bytes: Buffer;
  // biome-ignore lint/suspicious/noExplicitAny: tests read response JSON by path; a wrong path fails the assertion.
  json: any;
}

/** A call to the Apple web service as Wallet makes it; `token` goes in `Authorization: ApplePass …`. */
export async function appleCall(
  stack: TestStack,
  method: string,
  path: string,
  options: { token?: string; authorization?: string; body?: unknown; headers?: Record<string, string> } = {},
): Promise<AppleCall> {
  const authorization = options.authorization ?? (options.token ? `ApplePass ${options.token}` : undefined);
  const response = await conformingFetch(`${stack.baseUrl}/apple${path}`, {
    method,
    headers: {
      ...(authorization ? { authorization } : {}),
      ...(options.body !== undefined ? { "content-type": "application/json" } : {}),
      ...options.headers,
    },
    ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}),
  });
  const bytes = Buffer.from(await response.arrayBuffer());
  let json: unknown;
  if (response.headers.get("content-type")?.includes("json") && bytes.length > 0)
    json = JSON.parse(bytes.toString("utf8"));
  return { status: response.status, headers: response.headers, bytes, json };
}

/** The balance a .pkpass shows on its front. */
export async function passBalance(pkpass: Buffer): Promise<unknown> {
  const { passJson } = await unzipPkpass(pkpass);
  return passJson.storeCard.primaryFields?.find((field) => field.key === "balance")?.value;
}

/** Polls until `check` returns a value (not undefined), or fails after `timeoutMs`. */
export async function eventually<T>(
  check: () => Promise<T | undefined>,
  timeoutMs = 5_000,
  what = "condition",
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`${what} not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
