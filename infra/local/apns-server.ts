import { randomUUID } from "node:crypto";
import { appendFile } from "node:fs/promises";
import http2 from "node:http2";
import type { AddressInfo } from "node:net";

export interface ApnsDelivery {
  /** Empty when the path was not /3/device/<token>. */
  token: string;
  topic: string | undefined;
  headers: Record<string, string>;
  body: string;
  at: Date;
  /** What this server answered. */
  status: number;
  reason?: string;
}

export interface LocalApnsServerOptions {
  port?: number;
  /** Appends one JSON line per request, for runs where the test reads deliveries from another process. */
  logFile?: string;
}

export interface RespondWithOptions {
  /** Answer this way for the next `times` requests to the token, then go back to 200. Default: always. */
  times?: number;
}

export interface LocalApnsServer {
  origin: string;
  deliveries: ApnsDelivery[];
  /** HTTP/2 connections accepted so far. */
  readonly sessionCount: number;
  respondWith(token: string, status: number, reason?: string, options?: RespondWithOptions): void;
  waitFor(predicate: (delivery: ApnsDelivery) => boolean, timeoutMs: number): Promise<ApnsDelivery>;
  close(): Promise<void>;
}

interface ScriptedAnswer {
  status: number;
  reason: string | undefined;
  remaining: number;
}

interface Waiter {
  predicate: (delivery: ApnsDelivery) => boolean;
  resolve: (delivery: ApnsDelivery) => void;
}

const DEVICE_PATH = /^\/3\/device\/([^/?]+)$/;

/** A plaintext HTTP/2 (h2c) stand-in for APNs on 127.0.0.1; answers 200 unless told otherwise. */
export async function startLocalApnsServer(options: LocalApnsServerOptions = {}): Promise<LocalApnsServer> {
  const deliveries: ApnsDelivery[] = [];
  const scripted = new Map<string, ScriptedAnswer>();
  const waiters = new Set<Waiter>();
  const sessions = new Set<http2.ServerHttp2Session>();
  let sessionCount = 0;
  let logWrites = Promise.resolve();

  const server = http2.createServer();
  server.on("session", (session) => {
    sessionCount += 1;
    sessions.add(session);
    session.on("close", () => sessions.delete(session));
    session.on("error", () => {});
  });

  server.on("stream", (stream, requestHeaders) => {
    const chunks: Buffer[] = [];
    stream.on("data", (chunk: Buffer) => chunks.push(chunk));
    stream.on("error", () => {});
    stream.on("end", () => {
      const path = String(requestHeaders[":path"] ?? "");
      const method = String(requestHeaders[":method"] ?? "");
      const token = DEVICE_PATH.exec(path)?.[1] ?? "";
      const topicHeader = requestHeaders["apns-topic"];
      const topic = typeof topicHeader === "string" ? topicHeader : undefined;
      const answer = answerFor(method, token, topic);

      const delivery: ApnsDelivery = {
        token,
        topic,
        headers: plainHeaders(requestHeaders),
        body: Buffer.concat(chunks).toString("utf8"),
        at: new Date(),
        status: answer.status,
        ...(answer.reason ? { reason: answer.reason } : {}),
      };
      deliveries.push(delivery);
      log(delivery);
      for (const waiter of waiters) {
        if (waiter.predicate(delivery)) {
          waiters.delete(waiter);
          waiter.resolve(delivery);
        }
      }

      if (stream.destroyed) return;
      const responseHeaders = { ":status": answer.status, "apns-id": randomUUID() };
      if (answer.status === 200) {
        stream.respond(responseHeaders, { endStream: true });
      } else {
        stream.respond({ ...responseHeaders, "content-type": "application/json" });
        const body: Record<string, unknown> = { reason: answer.reason ?? "" };
        if (answer.status === 410) body.timestamp = Date.now();
        stream.end(JSON.stringify(body));
      }
    });
  });

  // Mirrors the checks APNs makes that a client bug would trip, so tests catch them locally.
  function answerFor(method: string, token: string, topic: string | undefined) {
    if (!token) return { status: 404, reason: "BadPath" };
    if (method !== "POST") return { status: 405, reason: "MethodNotAllowed" };
    if (!topic) return { status: 400, reason: "MissingTopic" };
    const script = scripted.get(token);
    if (!script) return { status: 200, reason: undefined };
    script.remaining -= 1;
    if (script.remaining <= 0) scripted.delete(token);
    return { status: script.status, reason: script.reason };
  }

  function log(delivery: ApnsDelivery): void {
    const { logFile } = options;
    if (!logFile) return;
    // Tokens here are synthetic (no real device can reach this server), and end-to-end tests in
    // another process match on them, so they are written in full; the bearer token is not.
    const line = JSON.stringify({
      at: delivery.at.toISOString(),
      token: delivery.token,
      topic: delivery.topic,
      pushType: delivery.headers["apns-push-type"],
      priority: delivery.headers["apns-priority"],
      status: delivery.status,
      reason: delivery.reason,
      body: delivery.body,
    });
    logWrites = logWrites.then(() => appendFile(logFile, `${line}\n`)).catch(() => {});
  }

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, "127.0.0.1", () => {
      server.off("error", reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;

  return {
    origin: `http://127.0.0.1:${port}`,
    deliveries,
    get sessionCount() {
      return sessionCount;
    },

    respondWith(token, status, reason, respondOptions = {}) {
      scripted.set(token, { status, reason, remaining: respondOptions.times ?? Number.POSITIVE_INFINITY });
    },

    waitFor(predicate, timeoutMs) {
      const seen = deliveries.find(predicate);
      if (seen) return Promise.resolve(seen);
      return new Promise<ApnsDelivery>((resolve, reject) => {
        const waiter: Waiter = {
          predicate,
          resolve: (delivery) => {
            clearTimeout(timer);
            resolve(delivery);
          },
        };
        const timer = setTimeout(() => {
          waiters.delete(waiter);
          reject(new Error(`no matching APNs delivery within ${timeoutMs} ms (${deliveries.length} seen)`));
        }, timeoutMs);
        waiters.add(waiter);
      });
    },

    async close() {
      for (const session of sessions) session.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await logWrites;
    },
  };
}

function plainHeaders(headers: http2.IncomingHttpHeaders): Record<string, string> {
  const plain: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (name.startsWith(":") || value === undefined) continue;
    plain[name] = Array.isArray(value) ? value.join(", ") : value;
  }
  return plain;
}
