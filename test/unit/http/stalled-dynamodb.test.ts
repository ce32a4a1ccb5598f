import type { AddressInfo } from "node:net";
import { createServer, type Server, type Socket } from "node:net";
import { type DynamoDBDocumentClient, GetCommand } from "@aws-sdk/lib-dynamodb";
import type { APIGatewayProxyStructuredResultV2 } from "aws-lambda";
import { mockClient } from "aws-sdk-client-mock";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { handler as locationsList } from "../../../functions/locations-list.ts";
import { lambdaContext } from "../../../infra/local/api-gateway-event.ts";
import { AWS_UNAVAILABLE_RETRY_AFTER_SECONDS, DYNAMODB_CALL_BUDGET_MS } from "../../../shared/budgets.ts";
import { systemClock } from "../../../shared/clock.ts";
import type { SdkClientBudget } from "../../../shared/sdk-client-budget.ts";
import { createDb, type Db, dbFromEnv } from "../../../shared/store/db/client.ts";
import { answerBatchGetsWithGets } from "../../support/batch-get-via-gets.ts";

// The handlers' table, swapped per test: a client on the stalling server, with the budget under test.
const state = vi.hoisted(() => ({ db: undefined as Db | undefined }));
vi.mock("../../../shared/runtime.ts", () => ({
  runtimeDeps: () => ({ db: state.db, clock: systemClock }),
  resetRuntimeDeps: () => undefined,
}));

/**
 * A DynamoDB endpoint that accepts connections and never answers (a stalled network path), or, with
 * `reset`, drops every connection as soon as the request arrives. On 127.0.0.1 only.
 */
interface FakeEndpoint {
  url: string;
  connections: number;
  close(): Promise<void>;
}

async function fakeEndpoint(behaviour: "stall" | "reset"): Promise<FakeEndpoint> {
  const sockets = new Set<Socket>();
  const endpoint: FakeEndpoint = { url: "", connections: 0, close: async () => undefined };
  const server: Server = createServer((socket) => {
    endpoint.connections++;
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
    socket.on("error", () => undefined);
    if (behaviour === "reset") socket.once("data", () => socket.resetAndDestroy());
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  endpoint.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  endpoint.close = () =>
    new Promise<void>((resolve) => {
      for (const socket of sockets) socket.destroy();
      server.close(() => resolve());
    });
  return endpoint;
}

const SHORT: SdkClientBudget = { connectTimeoutMs: 200, requestTimeoutMs: 250, maxAttempts: 2 };

let stall: FakeEndpoint;
beforeAll(async () => {
  stall = await fakeEndpoint("stall");
});
afterAll(() => stall.close());
afterEach(() => {
  state.db?.client.destroy();
  state.db = undefined;
});

function callLocations(): Promise<APIGatewayProxyStructuredResultV2> {
  const event = {
    version: "2.0",
    routeKey: "GET /v1/locations",
    rawPath: "/v1/locations",
    rawQueryString: "",
    headers: {},
    isBase64Encoded: false,
    requestContext: {
      requestId: "req-stall",
      routeKey: "GET /v1/locations",
      http: { method: "GET", path: "/v1/locations" },
      authorizer: { jwt: { claims: { merchant_id: "m", staff_id: "sam" }, scopes: [] } },
    },
  };
  return locationsList(event as never, lambdaContext("locations-list", "req-stall"));
}

async function timed<T>(work: () => Promise<T>): Promise<{ result: T; elapsedMs: number }> {
  const started = performance.now();
  const result = await work();
  return { result, elapsedMs: performance.now() - started };
}

function expectUnavailable(result: APIGatewayProxyStructuredResultV2): void {
  expect(result.statusCode).toBe(503);
  expect(result.headers?.["retry-after"]).toBe(String(AWS_UNAVAILABLE_RETRY_AFTER_SECONDS));
  expect(result.headers?.["content-type"]).toBe("application/problem+json");
  const problem = JSON.parse(String(result.body)) as { type: string; status: number };
  expect(problem).toMatchObject({ type: "https://loyalty-wallet.dev/problems/unavailable", status: 503 });
}

describe("a stalled DynamoDB", () => {
  it("is answered 503 with Retry-After once the injected budget is spent", async () => {
    state.db = createDb({ table: "t", endpoint: stall.url, budget: SHORT });
    const { result, elapsedMs } = await timed(callLocations);
    expectUnavailable(result);
    // Two attempts of 250 ms and one pause of at most 300 ms, with room for a loaded machine.
    expect(elapsedMs).toBeGreaterThanOrEqual(2 * SHORT.requestTimeoutMs - 20);
    expect(elapsedMs).toBeLessThan(3_000);
  });

  it("makes exactly maxAttempts attempts per call, each on a fresh connection", async () => {
    const db = createDb({ table: "t", endpoint: stall.url, budget: { ...SHORT, maxAttempts: 3 } });
    state.db = db;
    const before = stall.connections;
    const error = await db.client.send(new GetCommand({ TableName: "t", Key: { pk: "a", sk: "b" } })).then(
      () => undefined,
      (failure: unknown) => failure as { name: string; $metadata?: { attempts?: number } },
    );
    expect(error?.name).toBe("TimeoutError");
    expect(error?.$metadata?.attempts).toBe(3);
    expect(stall.connections - before).toBe(3);
  });

  it("is answered 503 within the production budget, well under the old 15 s hang", async () => {
    // The very client Lambda builds (dbFromEnv), with shared/budgets.ts's numbers.
    state.db = dbFromEnv({ TABLE_NAME: "t", DYNAMODB_ENDPOINT: stall.url, AWS_REGION: "eu-west-3" });
    const { result, elapsedMs } = await timed(callLocations);
    expectUnavailable(result);
    expect(elapsedMs).toBeLessThanOrEqual(DYNAMODB_CALL_BUDGET_MS + 1_000);
    expect(elapsedMs).toBeLessThan(10_000);
  }, 15_000);

  it("is answered 503 when the connection is reset", async () => {
    const reset = await fakeEndpoint("reset");
    try {
      state.db = createDb({ table: "t", endpoint: reset.url, budget: SHORT });
      expectUnavailable(await callLocations());
    } finally {
      await reset.close();
    }
  });
});

/** What the SDK throws once its attempts are spent, as aws-sdk-client-mock lets a test make it throw. */
function awsError(name: string, extra: Record<string, unknown> = {}): Error {
  return Object.assign(new Error(`${name}: the key {pk: "MERCHANT#m"} …`), { name, $metadata: {}, ...extra });
}

describe("errors that outlived the SDK's retries", () => {
  it.each([
    ["ProvisionedThroughputExceededException", {}],
    ["ThrottlingException", {}],
    ["RequestLimitExceeded", {}],
    ["InternalServerError", {}],
    ["TimeoutError", {}],
    ["Error", { code: "ECONNRESET" }],
    ["UnmodelledServiceError", { $fault: "server", $metadata: { httpStatusCode: 503 } }],
  ])("%s %o is a 503 with Retry-After", async (name, extra) => {
    state.db = createDb({ table: "t", endpoint: stall.url, budget: SHORT });
    answerBatchGetsWithGets(mockClient(state.db.client as unknown as DynamoDBDocumentClient))
      .on(GetCommand)
      .rejects(awsError(name, extra));
    expectUnavailable(await callLocations());
  });

  it("anything else stays an opaque 500 that quotes nothing of the error", async () => {
    state.db = createDb({ table: "t", endpoint: stall.url, budget: SHORT });
    mockClient(state.db.client as unknown as DynamoDBDocumentClient)
      .on(GetCommand)
      .rejects(awsError("ValidationException", { $fault: "client", $metadata: { httpStatusCode: 400 } }));
    const result = await callLocations();
    expect(result.statusCode).toBe(500);
    expect(result.headers?.["retry-after"]).toBeUndefined();
    expect(String(result.body)).not.toContain("MERCHANT#m");
    expect(String(result.body)).not.toContain("ValidationException");
  });
});
