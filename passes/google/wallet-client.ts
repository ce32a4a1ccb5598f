import { type BackoffPolicy, backoffDelayMs } from "../../shared/backoff.ts";
import { createAccessTokenSource } from "./access-token.ts";
import { codeForStatus, GoogleWalletError, isTransientStatus } from "./errors.ts";
import type {
  LoyaltyClass,
  LoyaltyObject,
  LoyaltyObjectPatch,
  MessageType,
  NotifyPreference,
  WalletMessage,
} from "./loyalty-types.ts";
import { belongsToIssuer } from "./object-id.ts";
import type { ServiceAccountKey } from "./service-account.ts";

/** The remote service said it is busy: never retry at once, and spread retries from many callers. */
const RETRY_BACKOFF: BackoffPolicy = { baseMs: 500, capMs: 8_000, jitter: "equal" };

export const DEFAULT_WALLET_BASE_URL = "https://walletobjects.googleapis.com/walletobjects/v1";

export interface GoogleWalletClientOptions {
  baseUrl?: string;
  serviceAccount: ServiceAccountKey;
  issuerId: string;
  /** Used for Wallet API calls and, through google-auth-library, for the token request. */
  fetch?: typeof fetch;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
  /** Total tries per call for transient failures (429, 5xx, network), first one included. */
  maxAttempts?: number;
  requestTimeoutMs?: number;
}

export interface UpsertResult<T> {
  outcome: "inserted" | "patched";
  resource: T;
}

export interface NotifyOption {
  notify: boolean;
}

export interface GoogleWalletClient {
  readonly issuerId: string;
  upsertLoyaltyClass(cls: LoyaltyClass): Promise<UpsertResult<LoyaltyClass>>;
  upsertLoyaltyObject(obj: LoyaltyObject): Promise<UpsertResult<LoyaltyObject>>;
  /** undefined when Google does not know the object. */
  getLoyaltyObject(id: string): Promise<LoyaltyObject | undefined>;
  patchLoyaltyObject(id: string, patch: LoyaltyObjectPatch, options: NotifyOption): Promise<LoyaltyObject>;
  addMessage(
    objectId: string,
    message: Omit<WalletMessage, "messageType">,
    options: NotifyOption,
  ): Promise<LoyaltyObject>;
}

interface ApiReply {
  status: number;
  body: unknown;
}

type Method = "GET" | "POST" | "PATCH";

const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export function createGoogleWalletClient(options: GoogleWalletClientOptions): GoogleWalletClient {
  const baseUrl = (options.baseUrl ?? DEFAULT_WALLET_BASE_URL).replace(/\/+$/, "");
  const fetchImpl = options.fetch ?? globalThis.fetch;
  const sleep = options.sleep ?? realSleep;
  const random = options.random ?? Math.random;
  const maxAttempts = Math.max(1, options.maxAttempts ?? 4);
  const requestTimeoutMs = options.requestTimeoutMs ?? 10_000;
  const { issuerId } = options;
  const tokens = createAccessTokenSource(
    options.serviceAccount,
    options.fetch ? { fetch: options.fetch } : {},
  );

  async function sendOnce(method: Method, path: string, body: unknown): Promise<ApiReply> {
    const token = await tokens.get();
    const response = await fetchImpl(`${baseUrl}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        accept: "application/json",
        ...(body === undefined ? {} : { "content-type": "application/json" }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      signal: AbortSignal.timeout(requestTimeoutMs),
    });
    const text = await response.text();
    return { status: response.status, body: text ? safeJson(text) : undefined };
  }

  /** Retries transient failures; every other answer, error statuses included, goes back to the caller. */
  async function send(operation: string, method: Method, path: string, body?: unknown): Promise<ApiReply> {
    for (let attempt = 1; ; attempt += 1) {
      let reply: ApiReply | undefined;
      let networkError: unknown;
      try {
        reply = await sendOnce(method, path, body);
      } catch (error) {
        if (error instanceof GoogleWalletError) throw error;
        networkError = error;
      }
      const transient = reply ? isTransientStatus(reply.status) : true;
      if (!transient || attempt >= maxAttempts) {
        if (reply) return reply;
        throw new GoogleWalletError({ code: "network", operation, retryable: true, cause: networkError });
      }
      await sleep(backoffDelayMs(RETRY_BACKOFF, attempt, random));
    }
  }

  function fail(operation: string, reply: ApiReply): never {
    const reason = googleReason(reply.body);
    throw new GoogleWalletError({
      code: codeForStatus(reply.status),
      operation,
      httpStatus: reply.status,
      ...(reason ? { reason } : {}),
      retryable: isTransientStatus(reply.status),
    });
  }

  function ownId(operation: string, id: string): string {
    if (!belongsToIssuer(issuerId, id)) {
      throw new GoogleWalletError({
        code: "invalid_request",
        operation,
        reason: "ForeignIssuerId",
        retryable: false,
      });
    }
    return encodeURIComponent(id);
  }

  async function upsert<T extends { id: string }>(resource: "loyaltyClass" | "loyaltyObject", value: T) {
    const id = ownId(`${resource}.insert`, value.id);
    const inserted = await send(`${resource}.insert`, "POST", `/${resource}`, value);
    if (inserted.status === 200) return { outcome: "inserted" as const, resource: inserted.body as T };
    if (inserted.status !== 409) fail(`${resource}.insert`, inserted);
    // Already there (created earlier, or by a retried insert whose first answer was lost): bring it up
    // to date. Without notifyPreference, so a re-sync never buzzes the holder's phone.
    const patched = await send(`${resource}.patch`, "PATCH", `/${resource}/${id}`, value);
    if (patched.status !== 200) fail(`${resource}.patch`, patched);
    return { outcome: "patched" as const, resource: patched.body as T };
  }

  return {
    issuerId,

    upsertLoyaltyClass: (cls) => upsert("loyaltyClass", cls),
    upsertLoyaltyObject: (obj) => upsert("loyaltyObject", obj),

    async getLoyaltyObject(id) {
      const reply = await send(
        "loyaltyObject.get",
        "GET",
        `/loyaltyObject/${ownId("loyaltyObject.get", id)}`,
      );
      if (reply.status === 404) return undefined;
      if (reply.status !== 200) fail("loyaltyObject.get", reply);
      return reply.body as LoyaltyObject;
    },

    async patchLoyaltyObject(id, patch, { notify }) {
      const path = `/loyaltyObject/${ownId("loyaltyObject.patch", id)}`;
      const notifyPreference: NotifyPreference | undefined = notify ? "NOTIFY_ON_UPDATE" : undefined;
      const reply = await send("loyaltyObject.patch", "PATCH", path, {
        ...withoutNotifyPreference(patch),
        ...(notifyPreference ? { notifyPreference } : {}),
      });
      if (reply.status !== 200) fail("loyaltyObject.patch", reply);
      return reply.body as LoyaltyObject;
    },

    async addMessage(objectId, message, { notify }) {
      const path = `/loyaltyObject/${ownId("loyaltyObject.addMessage", objectId)}/addMessage`;
      const messageType: MessageType = notify ? "TEXT_AND_NOTIFY" : "TEXT";
      const reply = await send("loyaltyObject.addMessage", "POST", path, {
        message: { id: message.id, header: message.header, body: message.body, messageType },
      });
      if (reply.status !== 200) fail("loyaltyObject.addMessage", reply);
      return (reply.body as { resource: LoyaltyObject }).resource;
    },
  };
}

// The only way to notify is the explicit option; a stray field in a patch must not spend quota.
function withoutNotifyPreference(patch: LoyaltyObjectPatch): LoyaltyObjectPatch {
  const { notifyPreference: _ignored, ...rest } = patch as LoyaltyObjectPatch & {
    notifyPreference?: unknown;
  };
  return rest;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** Google errors look like {error: {code, status, errors: [{reason}]}}. */
function googleReason(body: unknown): string | undefined {
  if (!body || typeof body !== "object" || !("error" in body)) return undefined;
  const error = body.error;
  if (!error || typeof error !== "object") return undefined;
  if ("errors" in error && Array.isArray(error.errors)) {
    const [first] = error.errors as unknown[];
    if (first && typeof first === "object" && "reason" in first && typeof first.reason === "string") {
      return first.reason;
    }
  }
  return "status" in error && typeof error.status === "string" ? error.status : undefined;
}
