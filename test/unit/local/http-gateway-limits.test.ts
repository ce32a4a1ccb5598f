import { request as httpRequest, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { APIGatewayProxyEventV2WithJWTAuthorizer, APIGatewayProxyStructuredResultV2 } from "aws-lambda";
import { afterEach, describe, expect, it } from "vitest";
import { createHttpGateway, MAX_BODY_BYTES } from "../../../infra/local/http-gateway.ts";
import type { LocalAuthorizer } from "../../../infra/local/jwt-authorizer.ts";
import type { RouteDefinition } from "../../../infra/routes.ts";

const ROUTES = [
  { method: "POST", path: "/v1/echo", handler: "echo", auth: "none", needs: {} },
  { method: "GET", path: "/v1/slow", handler: "slow", auth: "none", needs: {} },
] as RouteDefinition[];

const noAuthorizer: LocalAuthorizer = {
  verify: async () => undefined,
};

type Handler = (event: APIGatewayProxyEventV2WithJWTAuthorizer) => Promise<APIGatewayProxyStructuredResultV2>;

let server: Server | undefined;
let slowFinished = false;

const handlers: Record<string, Handler> = {
  echo: async (event) => ({
    statusCode: 200,
    body: JSON.stringify({
      bytes: Buffer.from(event.body ?? "", event.isBase64Encoded ? "base64" : "utf8").length,
    }),
  }),
  slow: async () => {
    await new Promise((resolve) => setTimeout(resolve, 600));
    slowFinished = true;
    return { statusCode: 200, body: "{}" };
  },
};

async function start(
  options: { integrationTimeoutMs?: number; maxBodyBytes?: number } = {},
): Promise<number> {
  server = createHttpGateway({
    routes: ROUTES,
    authorizer: noAuthorizer,
    loadHandler: async (name) => handlers[name] as never,
    ...options,
  });
  await new Promise<void>((resolve) => server?.listen(0, "127.0.0.1", () => resolve()));
  return (server.address() as AddressInfo).port;
}

afterEach(async () => {
  slowFinished = false;
  const running = server;
  server = undefined;
  if (!running) return;
  running.closeAllConnections();
  await new Promise<void>((resolve) => running.close(() => resolve()));
});

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** Sends `chunks` one after another (chunked transfer unless a content-length is given); resolves on the answer. */
function send(
  port: number,
  options: { method: string; path: string; chunks?: Buffer[]; contentLength?: number },
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      {
        host: "127.0.0.1",
        port,
        method: options.method,
        path: options.path,
        headers: options.contentLength === undefined ? {} : { "content-length": options.contentLength },
      },
      (res) => {
        const parts: Buffer[] = [];
        res.on("data", (part: Buffer) => parts.push(part));
        res.on("end", () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(parts).toString(),
          }),
        );
      },
    );
    // The gateway closes the connection after a 413 while the client may still be writing.
    req.on("error", (error: NodeJS.ErrnoException) => {
      if (error.code !== "EPIPE" && error.code !== "ECONNRESET") reject(error);
    });
    const chunks = options.chunks ?? [];
    const writeNext = (i: number) => {
      if (i >= chunks.length) return void req.end();
      if (req.destroyed) return;
      req.write(chunks[i], () => writeNext(i + 1));
    };
    writeNext(0);
  });
}

describe("local gateway limits", () => {
  it("answers API Gateway's 413 for a declared Content-Length over the limit, without reading the body", async () => {
    const port = await start();
    const answer = await send(port, {
      method: "POST",
      path: "/v1/echo",
      contentLength: MAX_BODY_BYTES + 1,
      chunks: [Buffer.alloc(1024)],
    });
    expect(answer.status).toBe(413);
    expect(JSON.parse(answer.body)).toEqual({ message: "Request Entity Too Large" });
  });

  it("answers 413 for a chunked body that grows past the limit, and passes one at the limit", async () => {
    const port = await start({ maxBodyBytes: 64 * 1024 });
    const over = await send(port, {
      method: "POST",
      path: "/v1/echo",
      chunks: Array.from({ length: 20 }, () => Buffer.alloc(16 * 1024, 97)),
    });
    expect(over.status).toBe(413);
    expect(over.headers.connection).toBe("close");

    const atLimit = await send(port, {
      method: "POST",
      path: "/v1/echo",
      chunks: Array.from({ length: 4 }, () => Buffer.alloc(16 * 1024, 97)),
    });
    expect(atLimit.status).toBe(200);
    expect(JSON.parse(atLimit.body)).toEqual({ bytes: 64 * 1024 });
  });

  it("uses API Gateway's 10 MB payload limit by default", () => {
    expect(MAX_BODY_BYTES).toBe(10 * 1024 * 1024);
  });

  it("answers API Gateway's 503 when a handler runs past the integration timeout", async () => {
    const port = await start({ integrationTimeoutMs: 150 });
    const answer = await send(port, { method: "GET", path: "/v1/slow" });
    expect(answer.status).toBe(503);
    expect(JSON.parse(answer.body)).toEqual({ message: "Service Unavailable" });
    // Answered at the timeout, before the handler (600 ms) finished.
    expect(slowFinished).toBe(false);
  });

  it("lets a handler that finishes within the timeout answer", async () => {
    const port = await start({ integrationTimeoutMs: 2_000 });
    const answer = await send(port, { method: "GET", path: "/v1/slow" });
    expect(answer.status).toBe(200);
    expect(slowFinished).toBe(true);
  });
});
