import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Resolver } from "../../../shared/webhooks/address-guard.ts";
import { createHttpSender } from "../../../shared/webhooks/http-sender.ts";

/** The real sender against a receiver on loopback (allowed as the local stack allows it). */

let server: Server;
let port: number;
const seen: { host?: string; body: string; headers: IncomingMessage["headers"] }[] = [];
const routes: Record<string, (req: IncomingMessage, res: ServerResponse) => void> = {
  "/ok": (_req, res) => res.writeHead(204).end(),
  "/redirect": (_req, res) => res.writeHead(302, { location: "http://127.0.0.1/ok" }).end(),
  "/busy": (_req, res) => res.writeHead(503, { "retry-after": "120" }).end(),
  "/silent": () => undefined,
  "/flood": (_req, res) => {
    res.writeHead(200);
    const chunk = Buffer.alloc(16 * 1024, 97);
    const pump = () => {
      while (res.write(chunk)) {
        if (res.destroyed) return;
      }
      res.once("drain", pump);
    };
    pump();
  },
};

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = "";
    req.on("data", (chunk) => {
      body += chunk;
    });
    req.on("end", () => {
      seen.push({ host: req.headers.host, body, headers: req.headers });
      (routes[req.url ?? ""] ?? ((_q, r) => r.writeHead(404).end()))(req, res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  port = (server.address() as AddressInfo).port;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

const loopbackResolver: Resolver = async () => [{ address: "127.0.0.1", family: 4 }];
const sender = (options: { timeoutMs?: number; maxResponseBytes?: number; resolve?: Resolver } = {}) =>
  createHttpSender({
    policy: { allowLoopback: true },
    resolve: options.resolve ?? loopbackResolver,
    ...options,
  });
const post = (path: string, host = "127.0.0.1") => ({
  url: `http://${host}:${port}${path}`,
  headers: { "webhook-id": "msg_1" },
  body: '{"type":"entry.created"}',
});

describe("createHttpSender", () => {
  it("posts the body as given with its headers, and reports the status", async () => {
    await expect(sender()(post("/ok"))).resolves.toEqual({ status: 204 });
    const last = seen.at(-1);
    expect(last?.body).toBe('{"type":"entry.created"}');
    expect(last?.headers["webhook-id"]).toBe("msg_1");
    expect(last?.headers["content-type"]).toBe("application/json");
  });

  it("connects to the address it checked, keeping the URL's host name", async () => {
    await expect(sender()(post("/ok", "hooks.test"))).resolves.toEqual({ status: 204 });
    expect(seen.at(-1)?.host).toBe(`hooks.test:${port}`);
  });

  it("refuses, without connecting, a name that resolves to a private address by now", async () => {
    const count = seen.length;
    const rebound: Resolver = async () => [{ address: "10.0.0.7", family: 4 }];
    const outcome = await sender({ resolve: rebound })(post("/ok", "hooks.test"));
    expect(outcome.status).toBeUndefined();
    expect(outcome.error).toMatch(/refused: .*10\.0\.0\.7/);
    expect(seen.length).toBe(count);
  });

  it("does not follow redirects, and reads Retry-After", async () => {
    await expect(sender()(post("/redirect"))).resolves.toEqual({ status: 302 });
    await expect(sender()(post("/busy"))).resolves.toEqual({ status: 503, retryAfterSeconds: 120 });
  });

  it("gives up on a receiver that does not answer in time", async () => {
    await expect(sender({ timeoutMs: 300 })(post("/silent"))).resolves.toEqual({ error: "timeout" });
  });

  it("stops reading an endless response once the limit is read", async () => {
    await expect(sender({ maxResponseBytes: 64 * 1024, timeoutMs: 10_000 })(post("/flood"))).resolves.toEqual(
      {
        status: 200,
      },
    );
  });

  it("names a refused connection", async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const closedPort = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    await expect(
      sender()({ url: `http://127.0.0.1:${closedPort}/`, headers: {}, body: "{}" }),
    ).resolves.toEqual({ error: "connection refused" });
  });
});
