import { generateKeyPairSync } from "node:crypto";
import http2 from "node:http2";
import type { AddressInfo } from "node:net";
import { decodeProtectedHeader, importSPKI, jwtVerify } from "jose";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { LocalApnsServer } from "../../../infra/local/apns-server.ts";
import { startLocalApnsServer } from "../../../infra/local/apns-server.ts";
import type { ApnsClient, ApnsClientOptions } from "../../../passes/apple/apns/client.ts";
import { createApnsClient } from "../../../passes/apple/apns/client.ts";
import { createTestPki } from "./apns-test-certificates.ts";

const TOPIC = "pass.com.example.loyalty";
const TOKEN = "a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f90";
const T0 = new Date("2025-03-01T10:00:00Z");
const MINUTE = 60_000;

const ecKeys = generateKeyPairSync("ec", {
  namedCurve: "prime256v1",
  publicKeyEncoding: { type: "spki", format: "pem" },
  privateKeyEncoding: { type: "pkcs8", format: "pem" },
});
const tokenAuth = {
  kind: "token",
  teamId: "TEAM123456",
  keyId: "KEY1234567",
  signingKey: ecKeys.privateKey,
} as const;
const certificateAuth = { kind: "certificate", cert: "unused over h2c", key: "unused over h2c" } as const;

let server: LocalApnsServer;
let clock: Date;
let sleep: ReturnType<typeof vi.fn<(ms: number) => Promise<void>>>;
const clients: ApnsClient[] = [];

function client(overrides: Partial<ApnsClientOptions> = {}): ApnsClient {
  const created = createApnsClient({
    origin: server.origin,
    auth: certificateAuth,
    now: () => clock,
    sleep,
    random: () => 0,
    ...overrides,
  });
  clients.push(created);
  return created;
}

async function verifiedBearer(authorization: string | undefined) {
  expect(authorization).toMatch(/^bearer [\w-]+\.[\w-]+\.[\w-]+$/);
  const jwt = (authorization ?? "").slice("bearer ".length);
  const { payload } = await jwtVerify(jwt, await importSPKI(ecKeys.publicKey, "ES256"), {
    currentDate: clock,
  });
  return { jwt, header: decodeProtectedHeader(jwt), payload };
}

beforeEach(async () => {
  server = await startLocalApnsServer();
  clock = T0;
  sleep = vi.fn(async (_ms: number) => {});
});

afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
  await server.close();
});

describe("APNs client: request shape", () => {
  it("posts an empty background push for the token and topic, without a bearer under certificate auth", async () => {
    const result = await client().push(TOKEN, TOPIC);

    expect(result).toEqual({ status: "delivered" });
    expect(server.deliveries).toHaveLength(1);
    const [delivery] = server.deliveries;
    expect(delivery?.token).toBe(TOKEN);
    expect(delivery?.topic).toBe(TOPIC);
    expect(delivery?.body).toBe("{}");
    expect(delivery?.headers["apns-push-type"]).toBe("background");
    expect(delivery?.headers["apns-priority"]).toBe("5");
    expect(delivery?.headers["apns-expiration"]).toBe(String(T0.getTime() / 1000 + 24 * 60 * 60));
    expect(delivery?.headers.authorization).toBeUndefined();
  });

  it("signs an ES256 provider token with kid, iss and iat from the injected clock", async () => {
    const result = await client({ auth: tokenAuth }).push(TOKEN, TOPIC);

    expect(result).toEqual({ status: "delivered" });
    const { header, payload } = await verifiedBearer(server.deliveries[0]?.headers.authorization);
    expect(header).toEqual({ alg: "ES256", kid: tokenAuth.keyId });
    expect(payload).toEqual({ iss: tokenAuth.teamId, iat: T0.getTime() / 1000 });
  });

  it("presents the pass certificate as the TLS client certificate", async () => {
    const pki = createTestPki();
    const secure = http2.createSecureServer({
      key: pki.serverKey,
      cert: pki.serverCert,
      ca: pki.caCert,
      requestCert: true,
      rejectUnauthorized: true,
    });
    const peers: string[] = [];
    secure.on("stream", (stream) => {
      const socket = stream.session?.socket as import("node:tls").TLSSocket | undefined;
      peers.push(String(socket?.getPeerCertificate().subject?.CN));
      stream.respond({ ":status": 200 }, { endStream: true });
    });
    await new Promise<void>((resolve) => secure.listen(0, "127.0.0.1", resolve));
    const { port } = secure.address() as AddressInfo;

    try {
      const apns = client({
        origin: `https://127.0.0.1:${port}`,
        auth: { kind: "certificate", cert: pki.clientCert, key: pki.clientKey },
        ca: pki.caCert,
      });
      expect(await apns.push(TOKEN, TOPIC)).toEqual({ status: "delivered" });
      expect(peers).toEqual([pki.clientCommonName]);
    } finally {
      await Promise.all(clients.splice(0).map((c) => c.close()));
      await new Promise((resolve) => secure.close(resolve));
    }
  });

  it("refuses a token that would alter the request path, without sending anything", async () => {
    const result = await client().push("../../3/device/other", TOPIC);

    expect(result).toEqual({ status: "failed", reason: "BadDeviceToken", retryable: false });
    expect(server.deliveries).toHaveLength(0);
  });
});

describe("APNs client: provider token lifetime", () => {
  it("reuses the token for 40 minutes and re-signs after", async () => {
    const apns = client({ auth: tokenAuth });

    await apns.push(TOKEN, TOPIC);
    clock = new Date(T0.getTime() + 39 * MINUTE);
    await apns.push(TOKEN, TOPIC);
    clock = new Date(T0.getTime() + 41 * MINUTE);
    await apns.push(TOKEN, TOPIC);

    const tokens = await Promise.all(server.deliveries.map((d) => verifiedBearer(d.headers.authorization)));
    expect(tokens[1]?.jwt).toBe(tokens[0]?.jwt);
    expect(tokens[2]?.jwt).not.toBe(tokens[0]?.jwt);
    expect(tokens[2]?.payload.iat).toBe(T0.getTime() / 1000 + 41 * 60);
  });

  it("signs once for a burst of concurrent pushes", async () => {
    const apns = client({ auth: tokenAuth });

    await Promise.all(Array.from({ length: 5 }, () => apns.push(TOKEN, TOPIC)));

    const bearers = new Set(server.deliveries.map((d) => d.headers.authorization));
    expect(bearers.size).toBe(1);
  });

  it("after ExpiredProviderToken re-signs on a later push, but not within 20 minutes of the last signature", async () => {
    const apns = client({ auth: tokenAuth });
    await apns.push(TOKEN, TOPIC);
    server.respondWith(TOKEN, 403, "ExpiredProviderToken", { times: 1 });

    clock = new Date(T0.getTime() + 5 * MINUTE);
    expect(await apns.push(TOKEN, TOPIC)).toEqual({
      status: "failed",
      httpStatus: 403,
      reason: "ExpiredProviderToken",
      retryable: false,
    });
    clock = new Date(T0.getTime() + 10 * MINUTE);
    await apns.push(TOKEN, TOPIC);
    clock = new Date(T0.getTime() + 21 * MINUTE);
    await apns.push(TOKEN, TOPIC);

    const bearers = server.deliveries.map((d) => d.headers.authorization);
    expect(bearers[2]).toBe(bearers[0]);
    expect(bearers[3]).not.toBe(bearers[0]);
  });
});

describe("APNs client: connection", () => {
  it("sends many pushes, sequential and concurrent, over one HTTP/2 connection", async () => {
    const apns = client({ auth: tokenAuth });

    for (let i = 0; i < 3; i += 1) await apns.push(TOKEN, TOPIC);
    await Promise.all(Array.from({ length: 10 }, (_, i) => apns.push(`${TOKEN.slice(0, -2)}${i}0`, TOPIC)));

    expect(server.deliveries).toHaveLength(13);
    expect(server.sessionCount).toBe(1);
  });

  it("reconnects when the server goes away", async () => {
    const apns = client();
    await apns.push(TOKEN, TOPIC);
    const port = Number(new URL(server.origin).port);
    await server.close();
    server = await startLocalApnsServer({ port });

    expect(await apns.push(TOKEN, TOPIC)).toEqual({ status: "delivered" });
    expect(server.deliveries).toHaveLength(1);
  });

  it("reports an unreachable origin as a retryable connection failure after every attempt", async () => {
    const closed = await startLocalApnsServer();
    const origin = closed.origin;
    await closed.close();

    const result = await client({ origin, maxAttempts: 3 }).push(TOKEN, TOPIC);

    expect(result).toEqual({ status: "failed", reason: "ConnectionError", retryable: true });
    expect(sleep).toHaveBeenCalledTimes(2);
  });

  it("gives up on a silent server after the request timeout", async () => {
    const silent = http2.createServer();
    const streams: http2.ServerHttp2Stream[] = [];
    silent.on("stream", (stream) => {
      streams.push(stream);
      stream.on("error", () => {});
    });
    silent.on("session", (session) => session.on("error", () => {}));
    await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
    const { port } = silent.address() as AddressInfo;

    try {
      const result = await client({
        origin: `http://127.0.0.1:${port}`,
        requestTimeoutMs: 50,
        maxAttempts: 2,
      }).push(TOKEN, TOPIC);

      expect(result).toEqual({ status: "failed", reason: "Timeout", retryable: true });
      expect(streams).toHaveLength(2);
    } finally {
      await Promise.all(clients.splice(0).map((c) => c.close()));
      silent.close();
    }
  });
});

describe("APNs client: responses and retries", () => {
  it("maps 410 to unregistered without retrying", async () => {
    server.respondWith(TOKEN, 410, "Unregistered");

    expect(await client().push(TOKEN, TOPIC)).toEqual({
      status: "unregistered",
      httpStatus: 410,
      reason: "Unregistered",
    });
    expect(server.deliveries).toHaveLength(1);
    expect(sleep).not.toHaveBeenCalled();
  });

  it("retries 503 with growing backoff and delivers on the third attempt", async () => {
    server.respondWith(TOKEN, 503, "ServiceUnavailable", { times: 2 });

    expect(await client().push(TOKEN, TOPIC)).toEqual({ status: "delivered" });
    expect(server.deliveries.map((d) => d.status)).toEqual([503, 503, 200]);
    const delays = sleep.mock.calls.map(([ms]) => ms);
    expect(delays).toHaveLength(2);
    expect(delays[1]).toBeGreaterThan(delays[0] ?? Number.POSITIVE_INFINITY);
  });

  it("keeps backoff bounded and jittered", async () => {
    server.respondWith(TOKEN, 503, "ServiceUnavailable");

    await client({ maxAttempts: 12, random: () => 1 }).push(TOKEN, TOPIC);
    const high = sleep.mock.calls.map(([ms]) => ms);
    sleep.mockClear();
    await client({ maxAttempts: 12, random: () => 0 }).push(TOKEN, TOPIC);
    const low = sleep.mock.calls.map(([ms]) => ms);

    expect(Math.max(...high)).toBeLessThanOrEqual(8_000);
    expect(low.every((ms, i) => ms > 0 && ms < (high[i] ?? 0))).toBe(true);
  });

  it("fails retryable after maxAttempts when APNs stays unavailable", async () => {
    server.respondWith(TOKEN, 503, "ServiceUnavailable");

    expect(await client().push(TOKEN, TOPIC)).toEqual({
      status: "failed",
      httpStatus: 503,
      reason: "ServiceUnavailable",
      retryable: true,
    });
    expect(server.deliveries).toHaveLength(4);
    expect(sleep).toHaveBeenCalledTimes(3);
  });

  it("maps 400 BadDeviceToken to unregistered, like a 410, without retrying", async () => {
    server.respondWith(TOKEN, 400, "BadDeviceToken");

    expect(await client().push(TOKEN, TOPIC)).toEqual({
      status: "unregistered",
      httpStatus: 400,
      reason: "BadDeviceToken",
    });
    expect(server.deliveries).toHaveLength(1);
    expect(sleep).not.toHaveBeenCalled();
  });

  it("keeps other 400s as non-retryable failures: the registration stays", async () => {
    server.respondWith(TOKEN, 400, "DeviceTokenNotForTopic");

    expect(await client().push(TOKEN, TOPIC)).toEqual({
      status: "failed",
      httpStatus: 400,
      reason: "DeviceTokenNotForTopic",
      retryable: false,
    });
    expect(server.deliveries).toHaveLength(1);
  });

  it.each([
    [403, "InvalidProviderToken", 1, false],
    [413, "PayloadTooLarge", 1, false],
    [429, "TooManyRequests", 4, true],
    [500, "InternalServerError", 4, true],
  ])("answers %i %s after %i attempt(s), retryable=%s", async (status, reason, attempts, retryable) => {
    server.respondWith(TOKEN, status, reason);

    const result = await client().push(TOKEN, TOPIC);

    expect(result).toEqual({ status: "failed", httpStatus: status, reason, retryable });
    expect(server.deliveries).toHaveLength(attempts);
  });

  it("logs failures with the push token truncated", async () => {
    server.respondWith(TOKEN, 400, "BadDeviceToken");
    const logger = { debug: vi.fn(), warn: vi.fn() };

    await client({ logger }).push(TOKEN, TOPIC);

    expect(logger.warn).toHaveBeenCalledTimes(1);
    const logged = JSON.stringify(logger.warn.mock.calls);
    expect(logged).toContain(TOKEN.slice(0, 8));
    expect(logged).not.toContain(TOKEN);
  });
});
