import type { OutgoingHttpHeaders, SecureClientSessionOptions } from "node:http2";
import { type BackoffPolicy, backoffDelayMs } from "../../../shared/backoff.ts";
import type { Http2Reply } from "./http2-session.ts";
import { createReusableHttp2Session, Http2RequestTimeoutError } from "./http2-session.ts";
import type { ProviderTokenSource } from "./provider-token.ts";
import { createProviderTokenSource } from "./provider-token.ts";
import { isSafePushToken, truncatePushToken } from "./push-token.ts";

/** The remote service said it is busy: never retry at once, and spread retries from many callers. */
const RETRY_BACKOFF: BackoffPolicy = { baseMs: 250, capMs: 8_000, jitter: "equal" };

export type ApnsAuth =
  | { kind: "certificate"; cert: string; key: string }
  | { kind: "token"; teamId: string; keyId: string; signingKey: string };

/**
 * "unregistered": the token will never work again, so its registration should go: 410 Unregistered (the
 * pass was removed or the device reset) or 400 BadDeviceToken (not a token APNs knows). Apple also answers
 * BadDeviceToken for a sandbox token sent to production; pass push tokens are always production ones.
 */
export type ApnsResult =
  | { status: "delivered" }
  | { status: "unregistered"; httpStatus: 400 | 410; reason: "Unregistered" | "BadDeviceToken" }
  | { status: "failed"; httpStatus?: number; reason?: string; retryable: boolean };

type LogFn = (message: string, attributes?: Record<string, unknown>) => void;

/** Structurally compatible with the Powertools Logger. */
export interface ApnsLogger {
  debug: LogFn;
  warn: LogFn;
}

export interface ApnsClientOptions {
  /** "https://api.push.apple.com", or a local "http://127.0.0.1:port" served over h2c. */
  origin: string;
  auth: ApnsAuth;
  now?: () => Date;
  sleep?: (ms: number) => Promise<void>;
  /** Source of jitter for retry delays; injectable so tests can pin the delays. */
  random?: () => number;
  /** Total tries per push, first one included. */
  maxAttempts?: number;
  requestTimeoutMs?: number;
  /** See PASS_UPDATE_PRIORITY; 10 is allowed should field testing show updates arriving too late. */
  priority?: 5 | 10;
  /** Extra CA to trust for the origin's TLS certificate (tests, private relays); system CAs otherwise. */
  ca?: string;
  logger?: ApnsLogger;
}

export interface ApnsClient {
  push(pushToken: string, topic: string): Promise<ApnsResult>;
  close(): Promise<void>;
}

// A pass update push carries an empty payload: it only tells Wallet to fetch the pass from our web
// service, and what the user sees comes from the fields' changeMessage, never from the push. That is
// what Apple calls a background push, and Apple requires priority 5 with that push type.
// (Some providers send priority 10 and report faster updates; hence the option.)
const PASS_UPDATE_PUSH_TYPE = "background";
const PASS_UPDATE_PRIORITY = 5;
const PASS_UPDATE_PAYLOAD = "{}";
// If the device is offline APNs keeps the push this long; after that Wallet's own periodic refresh
// catches up, so a longer expiry buys nothing.
const PUSH_EXPIRY_SECONDS = 24 * 60 * 60;

const DEFAULT_MAX_ATTEMPTS = 4;
const DEFAULT_REQUEST_TIMEOUT_MS = 10_000;

const noopLogger: ApnsLogger = { debug: () => {}, warn: () => {} };
const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export function createApnsClient(options: ApnsClientOptions): ApnsClient {
  const now = options.now ?? (() => new Date());
  const sleep = options.sleep ?? realSleep;
  const random = options.random ?? Math.random;
  const maxAttempts = Math.max(1, options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS);
  const requestTimeoutMs = options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
  const priority = options.priority ?? PASS_UPDATE_PRIORITY;
  const logger = options.logger ?? noopLogger;

  const origin = new URL(options.origin);
  if (origin.protocol !== "https:" && origin.protocol !== "http:") {
    throw new Error(`APNs origin must be http(s), got ${origin.protocol}`);
  }
  const session = createReusableHttp2Session(origin.origin, tlsOptions(options));
  const providerTokens: ProviderTokenSource | undefined =
    options.auth.kind === "token" ? createProviderTokenSource({ ...options.auth, now }) : undefined;
  let closed = false;

  async function sendOnce(pushToken: string, topic: string): Promise<ApnsResult> {
    const headers: OutgoingHttpHeaders = {
      ":method": "POST",
      ":path": `/3/device/${pushToken}`,
      "apns-topic": topic,
      "apns-push-type": PASS_UPDATE_PUSH_TYPE,
      "apns-priority": String(priority),
      "apns-expiration": String(Math.floor(now().getTime() / 1000) + PUSH_EXPIRY_SECONDS),
      "content-type": "application/json",
    };
    if (providerTokens) headers.authorization = `bearer ${await providerTokens.current()}`;

    let reply: Http2Reply;
    try {
      reply = await session.request(headers, PASS_UPDATE_PAYLOAD, requestTimeoutMs);
    } catch (error) {
      const reason = error instanceof Http2RequestTimeoutError ? "Timeout" : "ConnectionError";
      return { status: "failed", reason, retryable: true };
    }
    return classify(reply);
  }

  function classify(reply: Http2Reply): ApnsResult {
    if (reply.status === 200) return { status: "delivered" };
    if (reply.status === 410) return { status: "unregistered", httpStatus: 410, reason: "Unregistered" };
    const reason = parseReason(reply.body);
    if (reply.status === 400 && reason === "BadDeviceToken") {
      return { status: "unregistered", httpStatus: 400, reason };
    }
    if (reply.status === 403 && reason === "ExpiredProviderToken") providerTokens?.markExpired();
    return {
      status: "failed",
      httpStatus: reply.status,
      ...(reason ? { reason } : {}),
      retryable: reply.status === 429 || reply.status >= 500,
    };
  }

  return {
    async push(pushToken, topic) {
      if (closed) throw new Error("APNs client is closed");
      if (!isSafePushToken(pushToken)) {
        return { status: "failed", reason: "BadDeviceToken", retryable: false };
      }
      let result: ApnsResult = { status: "failed", retryable: true };
      for (let attempt = 1; attempt <= maxAttempts; attempt += 1) {
        result = await sendOnce(pushToken, topic);
        if (result.status !== "failed" || !result.retryable || attempt === maxAttempts) break;
        await sleep(backoffDelayMs(RETRY_BACKOFF, attempt, random));
      }
      const token = truncatePushToken(pushToken);
      // A bad token is worth a warning: a whole fleet of them means the origin or topic is wrong.
      if (result.status === "failed" || (result.status === "unregistered" && result.httpStatus === 400)) {
        logger.warn("APNs push failed", { token, topic, ...result });
      } else {
        logger.debug("APNs push done", { token, topic, status: result.status });
      }
      return result;
    },

    async close() {
      closed = true;
      await session.close();
    },
  };
}

function tlsOptions(options: ApnsClientOptions): SecureClientSessionOptions {
  const tls: SecureClientSessionOptions = {};
  if (options.auth.kind === "certificate") {
    tls.cert = options.auth.cert;
    tls.key = options.auth.key;
  }
  if (options.ca) tls.ca = options.ca;
  return tls;
}

function parseReason(body: string): string | undefined {
  if (!body) return undefined;
  try {
    const parsed: unknown = JSON.parse(body);
    if (parsed && typeof parsed === "object" && "reason" in parsed && typeof parsed.reason === "string") {
      return parsed.reason;
    }
  } catch {
    // APNs always answers JSON; anything else is a proxy page and carries no reason worth keeping.
  }
  return undefined;
}
