import type { LookupAddress } from "node:dns";
import { request as httpRequest, type IncomingMessage } from "node:http";
import { request as httpsRequest } from "node:https";
import type { LookupFunction } from "node:net";
import { checkTarget, type Resolver, type TargetPolicy, UnsafeTarget } from "./address-guard.ts";

/** One webhook request, as ./deliver.ts makes it: the body exactly as signed. */
export interface WebhookRequest {
  url: string;
  headers: Record<string, string>;
  body: string;
}

/** What came of it: a status, or why there was none. Never the response's body (it is not ours to keep). */
export interface SendOutcome {
  status?: number;
  /** Short and free of the receiver's content: "timeout", "connection refused", the SSRF refusal… */
  error?: string;
  /** From a 429's or 503's Retry-After, in seconds, when it gives one. */
  retryAfterSeconds?: number;
}

export type WebhookSender = (request: WebhookRequest) => Promise<SendOutcome>;

/** The spec suggests 15 to 30 s; 5 s keeps a stream batch and the retry job within their own timeouts. */
export const WEBHOOK_TIMEOUT_MS = 5_000;
/** What is read of a response before the connection is dropped: the status is all that counts. */
export const MAX_RESPONSE_BYTES = 64 * 1024;

export interface HttpSenderOptions {
  policy: TargetPolicy;
  resolve: Resolver;
  timeoutMs?: number;
  maxResponseBytes?: number;
}

/** The node:net lookup that answers with the address checked, whatever the name resolves to by now. */
function pinnedLookup(address: string, family: 4 | 6): LookupFunction {
  return ((_hostname: string, options: { all?: boolean }, callback: (...args: unknown[]) => void) => {
    if (options?.all) callback(null, [{ address, family } satisfies LookupAddress]);
    else callback(null, address, family);
  }) as unknown as LookupFunction;
}

const ERROR_NAMES: Record<string, string> = {
  ECONNREFUSED: "connection refused",
  ECONNRESET: "connection reset",
  EHOSTUNREACH: "host unreachable",
  ENETUNREACH: "network unreachable",
  EPIPE: "connection reset",
};

function describe(error: unknown): string {
  if (error instanceof UnsafeTarget) return `refused: the URL ${error.message}`;
  const code = (error as { code?: string }).code ?? "";
  if (code in ERROR_NAMES) return ERROR_NAMES[code] as string;
  if (code.startsWith("ERR_TLS") || /CERT|SSL/.test(code)) return `TLS error (${code})`;
  return code ? `request failed (${code})` : "request failed";
}

function retryAfter(response: IncomingMessage): number | undefined {
  const value = response.headers["retry-after"];
  const seconds = typeof value === "string" && /^\d{1,6}$/.test(value) ? Number(value) : undefined;
  return seconds;
}

/**
 * The real sender: the SSRF check at delivery time too (a name registered safe may point elsewhere
 * now), the connection pinned to the checked address (TLS still verifies the URL's host name), no
 * redirects followed (3xx is a failure, as the spec advises), one deadline over the whole exchange,
 * and at most `maxResponseBytes` of the body read.
 */
export function createHttpSender(options: HttpSenderOptions): WebhookSender {
  const timeoutMs = options.timeoutMs ?? WEBHOOK_TIMEOUT_MS;
  const maxBytes = options.maxResponseBytes ?? MAX_RESPONSE_BYTES;
  return async (webhook) => {
    let target: Awaited<ReturnType<typeof checkTarget>>;
    try {
      target = await checkTarget(webhook.url, options.policy, options.resolve);
    } catch (error) {
      return { error: describe(error) };
    }
    const send = target.url.protocol === "https:" ? httpsRequest : httpRequest;
    return new Promise<SendOutcome>((resolve) => {
      let settled = false;
      const finish = (outcome: SendOutcome) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        request.destroy();
        resolve(outcome);
      };
      const request = send(target.url, {
        method: "POST",
        headers: {
          ...webhook.headers,
          "content-type": "application/json",
          "content-length": String(Buffer.byteLength(webhook.body)),
          "user-agent": "loyalty-wallet-webhooks/1",
        },
        lookup: pinnedLookup(target.address, target.family),
        // One connection per request: a pooled socket could have been opened to another address.
        agent: false,
      });
      const timer = setTimeout(() => finish({ error: "timeout" }), timeoutMs);
      request.on("error", (error) => finish({ error: describe(error) }));
      request.on("response", (response) => {
        const status = response.statusCode ?? 0;
        const after = retryAfter(response);
        const outcome: SendOutcome = { status, ...(after === undefined ? {} : { retryAfterSeconds: after }) };
        let read = 0;
        response.on("data", (chunk: Buffer) => {
          read += chunk.length;
          if (read >= maxBytes) finish(outcome);
        });
        response.on("end", () => finish(outcome));
        response.on("error", () => finish(outcome));
      });
      request.end(webhook.body);
    });
  };
}
