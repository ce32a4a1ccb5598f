import { randomBytes } from "node:crypto";
import { appendFile, readFile } from "node:fs/promises";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { decodeJwt } from "jose";
import { WALLET_SCOPE } from "../../passes/google/service-account.ts";

export interface RecordedRequest {
  method: string;
  /** Path below the recorder's origin, e.g. "/walletobjects/v1/loyaltyObject" or "/token". */
  path: string;
  /** Parsed JSON, or the form fields for the token endpoint; undefined when empty. */
  body: unknown;
  at: Date;
  /** What the recorder answered. */
  status: number;
}

export interface LocalGoogleRecorderOptions {
  port?: number;
  /** Appends one JSON line per request; accountName is masked there, as it is a person's name. */
  logFile?: string;
  /**
   * PNG files served at GET/HEAD `<path>`: what Google fetches from the issuer's public host (the class
   * logo). Locally there is no public host, so the recorder stands in for it too.
   */
  publicFiles?: Readonly<Record<string, string>>;
}

export interface LocalGoogleRecorder {
  /** http://127.0.0.1:<port>; `publicFiles` are served below it. */
  origin: string;
  /** Use as the Wallet client's baseUrl. */
  baseUrl: string;
  /** Put in the dev service account's token_uri. */
  tokenUri: string;
  requests: RecordedRequest[];
  /** Current state, as Google would hold it. */
  classes: ReadonlyMap<string, Record<string, unknown>>;
  objects: ReadonlyMap<string, Record<string, unknown>>;
  /** Answer the next `times` Wallet API calls (not token requests) with `status`, to exercise retries. */
  failNext(status: number, times?: number): void;
  close(): Promise<void>;
}

interface Reply {
  status: number;
  body?: unknown;
}

const API_PREFIX = "/walletobjects/v1";
const JWT_BEARER_GRANT = "urn:ietf:params:oauth:grant-type:jwt-bearer";
const TOKEN_LIFETIME_S = 3600;
const RESOURCE_PATH = /^\/(loyaltyClass|loyaltyObject)(?:\/([^/]+))?(\/addMessage)?$/;

/**
 * A node:http stand-in for Google's OAuth token endpoint and the Wallet REST API, so the local stack and
 * tests never reach the internet. It keeps classes and objects in memory and answers like Google does
 * for the calls this project makes.
 */
export async function startLocalGoogleRecorder(
  options: LocalGoogleRecorderOptions = {},
): Promise<LocalGoogleRecorder> {
  const requests: RecordedRequest[] = [];
  const store = {
    loyaltyClass: new Map<string, Record<string, unknown>>(),
    loyaltyObject: new Map<string, Record<string, unknown>>(),
  };
  const issuedTokens = new Set<string>();
  let failures: { status: number; remaining: number } | undefined;
  let logWrites = Promise.resolve();
  const publicFiles = new Map(
    await Promise.all(
      Object.entries(options.publicFiles ?? {}).map(
        async ([path, file]) => [path, await readFile(file)] as const,
      ),
    ),
  );

  const server = http.createServer((req, res) => {
    const file = publicFiles.get(new URL(req.url ?? "/", "http://recorder").pathname);
    if (file && (req.method === "GET" || req.method === "HEAD")) {
      res.writeHead(200, { "content-type": "image/png", "content-length": file.length });
      res.end(req.method === "GET" ? file : undefined);
      return;
    }
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const raw = Buffer.concat(chunks).toString("utf8");
      const path = new URL(req.url ?? "/", "http://recorder").pathname;
      const method = req.method ?? "GET";
      const body = parseBody(raw, req.headers["content-type"]);
      const reply =
        path === "/token" ? token(method, body) : api(method, path, body, req.headers.authorization);

      const record: RecordedRequest = { method, path, body, at: new Date(), status: reply.status };
      requests.push(record);
      log(record);
      res.writeHead(reply.status, { "content-type": "application/json" });
      res.end(reply.body === undefined ? "" : JSON.stringify(reply.body));
    });
  });

  function token(method: string, body: unknown): Reply {
    const form = (
      typeof body === "string" ? Object.fromEntries(new URLSearchParams(body)) : (body ?? {})
    ) as Record<string, string>;
    if (method !== "POST" || form.grant_type !== JWT_BEARER_GRANT || !form.assertion) {
      return { status: 400, body: { error: "unsupported_grant_type" } };
    }
    let scope: unknown;
    try {
      scope = decodeJwt(form.assertion).scope;
    } catch {
      return { status: 400, body: { error: "invalid_grant", error_description: "malformed assertion" } };
    }
    if (typeof scope !== "string" || !scope.split(" ").includes(WALLET_SCOPE)) {
      return { status: 400, body: { error: "invalid_scope" } };
    }
    const accessToken = `local-${randomBytes(12).toString("hex")}`;
    issuedTokens.add(accessToken);
    return {
      status: 200,
      body: { access_token: accessToken, expires_in: TOKEN_LIFETIME_S, token_type: "Bearer" },
    };
  }

  function api(method: string, path: string, body: unknown, authorization: string | undefined): Reply {
    if (!path.startsWith(`${API_PREFIX}/`)) return googleError(404, "NOT_FOUND");
    const bearer = authorization?.replace(/^Bearer /i, "");
    if (!bearer || !issuedTokens.has(bearer)) return googleError(401, "UNAUTHENTICATED");
    if (failures) {
      failures.remaining -= 1;
      const { status } = failures;
      if (failures.remaining <= 0) failures = undefined;
      return googleError(status, status === 429 ? "RESOURCE_EXHAUSTED" : "UNAVAILABLE");
    }

    const match = RESOURCE_PATH.exec(path.slice(API_PREFIX.length));
    if (!match) return googleError(404, "NOT_FOUND");
    const kind = match[1] as keyof typeof store;
    const id = match[2] ? decodeURIComponent(match[2]) : undefined;
    const addMessage = Boolean(match[3]);
    const items = store[kind];
    const input = (body ?? {}) as Record<string, unknown>;

    if (!id && method === "POST") {
      if (typeof input.id !== "string") return googleError(400, "INVALID_ARGUMENT");
      if (items.has(input.id)) return googleError(409, "ALREADY_EXISTS");
      items.set(input.id, stored(input));
      return { status: 200, body: items.get(input.id) };
    }
    const current = id ? items.get(id) : undefined;
    if (!id || !current) return googleError(404, "NOT_FOUND");
    if (addMessage && method === "POST") {
      const message = input.message as Record<string, unknown> | undefined;
      if (!message) return googleError(400, "INVALID_ARGUMENT");
      const messages = Array.isArray(current.messages) ? current.messages : [];
      const updated = { ...current, messages: [...messages, message] };
      items.set(id, updated);
      return { status: 200, body: { resource: updated } };
    }
    if (addMessage) return googleError(405, "METHOD_NOT_ALLOWED");
    if (method === "GET") return { status: 200, body: current };
    if (method === "PATCH") {
      const updated = { ...current, ...stored(input), id };
      items.set(id, updated);
      return { status: 200, body: updated };
    }
    return googleError(405, "METHOD_NOT_ALLOWED");
  }

  function log(record: RecordedRequest): void {
    const { logFile } = options;
    if (!logFile) return;
    const line = JSON.stringify({ ...record, at: record.at.toISOString() }, (key, value) =>
      key === "accountName" ? "[masked]" : key === "assertion" ? "[jwt]" : value,
    );
    logWrites = logWrites.then(() => appendFile(logFile, `${line}\n`)).catch(() => {});
  }

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, "127.0.0.1", () => {
      server.off("error", reject);
      resolve();
    });
  });
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    origin,
    baseUrl: `${origin}${API_PREFIX}`,
    tokenUri: `${origin}/token`,
    requests,
    classes: store.loyaltyClass,
    objects: store.loyaltyObject,
    failNext(status, times = 1) {
      failures = { status, remaining: times };
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await logWrites;
    },
  };
}

// notifyPreference is a per-request instruction, not part of the stored object.
function stored(input: Record<string, unknown>): Record<string, unknown> {
  const { notifyPreference: _instruction, ...rest } = input;
  return rest;
}

function googleError(code: number, status: string): Reply {
  return { status: code, body: { error: { code, message: status, status } } };
}

function parseBody(raw: string, contentType: string | undefined): unknown {
  if (!raw) return undefined;
  if (contentType?.includes("application/x-www-form-urlencoded")) {
    return Object.fromEntries(new URLSearchParams(raw));
  }
  try {
    return JSON.parse(raw);
  } catch {
    return raw;
  }
}
