import { randomUUID } from "node:crypto";
import { expect } from "vitest";
import type { CallResult, TestStack } from "./test-stack.ts";

/** Customer-side helpers: portal links as staff hand them out, and calls made with the token they hold. */

export const tokenOf = (portalUrl: string) => {
  const token = /#t=([^&]+)$/.exec(portalUrl)?.[1];
  expect(token, `no token in ${portalUrl}`).toBeDefined();
  return token as string;
};

/** A portal link for a customer of the demo merchant, made by alice; `revoke` first kills earlier links. */
export async function portalLinkFor(stack: TestStack, customerId: string, revoke = false): Promise<string> {
  const response = await stack.call("POST", `/v1/customers/${customerId}/portal-link`, {
    token: await stack.token("alice"),
    body: { revoke },
  });
  expect(response.status).toBe(201);
  return response.body.portalUrl as string;
}

export const portalTokenFor = async (stack: TestStack, customerId: string, revoke = false) =>
  tokenOf(await portalLinkFor(stack, customerId, revoke));

/** A call with a customer's portal token. */
export const asCustomer = (
  stack: TestStack,
  token: string,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<CallResult> =>
  stack.call(method, path, { token, ...(body !== undefined ? { body } : {}), headers });

/** Enrols a customer of the demo merchant; returns its id. */
export async function enrolCustomer(stack: TestStack, body: Record<string, unknown>): Promise<string> {
  const response = await stack.call("POST", "/v1/customers", {
    token: await stack.token("alice"),
    body,
    headers: { "idempotency-key": randomUUID() },
  });
  expect(response.status).toBe(201);
  return response.body.customer.id as string;
}

/** Points earned at a till, by alice. */
export async function earn(stack: TestStack, body: Record<string, unknown>): Promise<CallResult> {
  const response = await stack.call("POST", "/v1/transactions", {
    token: await stack.token("alice"),
    body,
    headers: { "idempotency-key": randomUUID() },
  });
  expect(response.status, JSON.stringify(response.body)).toBe(201);
  return response;
}
