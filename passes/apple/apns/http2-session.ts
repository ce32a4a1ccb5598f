import type {
  ClientHttp2Session,
  IncomingHttpHeaders,
  OutgoingHttpHeaders,
  SecureClientSessionOptions,
} from "node:http2";
import http2 from "node:http2";

export interface Http2Reply {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

export class Http2RequestTimeoutError extends Error {
  override readonly name = "Http2RequestTimeoutError";
}

export interface ReusableHttp2Session {
  request(headers: OutgoingHttpHeaders, body: string, timeoutMs: number): Promise<Http2Reply>;
  /** How many connections were opened so far; lets tests and metrics see reconnects. */
  readonly connectCount: number;
  close(): Promise<void>;
}

/**
 * One HTTP/2 connection shared by every request, replaced when it errors, closes or receives GOAWAY.
 * APNs asks providers to keep connections open rather than connect per notification.
 */
export function createReusableHttp2Session(
  origin: string,
  connectOptions: SecureClientSessionOptions = {},
): ReusableHttp2Session {
  let session: ClientHttp2Session | undefined;
  let connectCount = 0;
  let inFlight = 0;

  function forget(candidate: ClientHttp2Session): void {
    if (session === candidate) session = undefined;
  }

  function current(): ClientHttp2Session {
    if (session && !session.closed && !session.destroyed) return session;
    const opened = http2.connect(origin, connectOptions);
    connectCount += 1;
    // Errors also reach every open stream, which is where callers learn about them.
    opened.on("error", () => forget(opened));
    opened.on("close", () => forget(opened));
    opened.on("goaway", () => {
      forget(opened);
      if (!opened.closed) opened.close();
    });
    session = opened;
    return opened;
  }

  // An idle connection must not keep a CLI or test process alive; a busy one must.
  function holdOpen(target: ClientHttp2Session): void {
    inFlight += 1;
    target.ref();
  }
  function release(target: ClientHttp2Session): void {
    inFlight -= 1;
    if (inFlight === 0 && !target.destroyed) target.unref();
  }

  return {
    get connectCount() {
      return connectCount;
    },

    request(headers, body, timeoutMs) {
      return new Promise<Http2Reply>((resolve, reject) => {
        let target: ClientHttp2Session;
        let stream: http2.ClientHttp2Stream;
        try {
          target = current();
          stream = target.request(headers);
        } catch (error) {
          if (session) forget(session);
          reject(error);
          return;
        }
        holdOpen(target);

        let settled = false;
        let status = 0;
        let responseHeaders: IncomingHttpHeaders = {};
        const chunks: Buffer[] = [];

        const finish = (error: unknown, reply?: Http2Reply) => {
          if (settled) return;
          settled = true;
          release(target);
          if (error) reject(error);
          else if (reply) resolve(reply);
        };

        stream.setTimeout(timeoutMs, () => {
          stream.close(http2.constants.NGHTTP2_CANCEL);
          // A silent peer may mean a half-open connection; new requests get a fresh one.
          forget(target);
          if (!target.closed) target.close();
          finish(new Http2RequestTimeoutError(`no response within ${timeoutMs} ms`));
        });
        stream.on("response", (received) => {
          responseHeaders = received;
          status = Number(received[":status"]);
        });
        stream.on("data", (chunk: Buffer) => chunks.push(chunk));
        stream.on("end", () => {
          finish(undefined, {
            status,
            headers: responseHeaders,
            body: Buffer.concat(chunks).toString("utf8"),
          });
        });
        stream.on("error", (error) => finish(error));
        stream.on("close", () => {
          finish(new Error(`HTTP/2 stream closed before a response (code ${stream.rstCode})`));
        });
        stream.end(body);
      });
    },

    async close() {
      const open = session;
      session = undefined;
      if (!open || open.closed || open.destroyed) return;
      await new Promise<void>((resolve) => open.close(() => resolve()));
    },
  };
}
