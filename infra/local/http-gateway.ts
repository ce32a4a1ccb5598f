import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type {
  APIGatewayProxyEventV2WithJWTAuthorizer,
  APIGatewayProxyStructuredResultV2,
  Context,
} from "aws-lambda";
import { problem } from "../../functions/http/problem.ts";
import {
  API_FUNCTION_TIMEOUT_SECONDS,
  API_INTEGRATION_TIMEOUT_SECONDS,
  budgetFromEnv,
} from "../../shared/budgets.ts";
import { LOCAL_FILES_PATH, localFileOptionsFromEnv, serveLocalFile } from "../../shared/files/local-store.ts";
import type { RouteDefinition } from "../routes.ts";
import { lambdaContext, toApiGatewayEvent } from "./api-gateway-event.ts";
import type { LocalAuthorizer } from "./jwt-authorizer.ts";

type LambdaHandler = (
  event: APIGatewayProxyEventV2WithJWTAuthorizer,
  context: Context,
) => Promise<APIGatewayProxyStructuredResultV2>;

interface CompiledRoute {
  route: RouteDefinition;
  pattern: RegExp;
  names: string[];
}

function compile(route: RouteDefinition): CompiledRoute {
  const names: string[] = [];
  const source = route.path
    .replace(/[.*+?^$()|[\]\\]/g, "\\$&")
    .replace(/\\?\{([^}]+)\\?\}/g, (_m, name: string) => {
      names.push(name);
      return "([^/]+)";
    });
  return { route, pattern: new RegExp(`^${source}$`), names };
}

/** More literal segments first, as API Gateway prefers the most specific route. */
function specificity(route: RouteDefinition): number {
  return route.path.split("/").filter((segment) => segment && !segment.startsWith("{")).length;
}

/** API Gateway HTTP APIs refuse larger payloads (a quota that cannot be raised). */
export const MAX_BODY_BYTES = 10 * 1024 * 1024;

export interface GatewayOptions {
  routes: readonly RouteDefinition[];
  authorizer: LocalAuthorizer;
  /** Loads a handler module by its name in the route table. */
  loadHandler?: (name: string) => Promise<LambdaHandler>;
  /**
   * How long a handler may run before the gateway answers 503: the stack's integration timeout by
   * default, or LOCAL_GATEWAY_TIMEOUT_MS (for a loaded machine, whose DynamoDB Local is far slower).
   */
  integrationTimeoutMs?: number;
  /** Request bodies larger than this are answered 413; API Gateway's 10 MB by default. */
  maxBodyBytes?: number;
}

/**
 * API Gateway's own answers, with its fixed JSON bodies (not problem+json): what a client gets on AWS
 * when the gateway, not a function, gives up on a request.
 */
const GATEWAY_TIMEOUT: APIGatewayProxyStructuredResultV2 = {
  statusCode: 503,
  headers: { "content-type": "application/json" },
  body: JSON.stringify({ message: "Service Unavailable" }),
};
const PAYLOAD_TOO_LARGE: APIGatewayProxyStructuredResultV2 = {
  statusCode: 413,
  // The rest of the body is never read: the connection is closed once this answer is out.
  headers: { "content-type": "application/json", connection: "close" },
  body: JSON.stringify({ message: "Request Entity Too Large" }),
};

const defaultLoader = async (name: string): Promise<LambdaHandler> =>
  ((await import(`../../functions/${name}.ts`)) as { handler: LambdaHandler }).handler;

/**
 * A local API Gateway (HTTP API): matches the route, runs the JWT authorizer for staff routes, and
 * invokes the very handler module Lambda runs with a payload 2.0 event.
 */
export function createHttpGateway(options: GatewayOptions): Server {
  const compiled = [...options.routes].sort((a, b) => specificity(b) - specificity(a)).map(compile);
  const load = options.loadHandler ?? defaultLoader;
  const handlers = new Map<string, Promise<LambdaHandler>>();
  const integrationTimeoutMs =
    options.integrationTimeoutMs ??
    budgetFromEnv("LOCAL_GATEWAY_TIMEOUT_MS", API_INTEGRATION_TIMEOUT_SECONDS * 1_000);
  const maxBodyBytes = options.maxBodyBytes ?? MAX_BODY_BYTES;

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const body = await readBody(request, maxBodyBytes);
    if (body === TOO_LARGE) {
      send(response, PAYLOAD_TOO_LARGE);
      response.once("finish", () => request.destroy());
      return;
    }
    const url = new URL(request.url ?? "/", "http://local");
    const method = request.method ?? "GET";
    // Export files, at the signed links the local file store hands out (S3's presigned GETs on AWS).
    if (method === "GET" && url.pathname.startsWith(LOCAL_FILES_PATH) && process.env.FILES_DIR) {
      return serveLocalFile(localFileOptionsFromEnv(), url, response);
    }
    let pathMatched = false;
    for (const { route, pattern, names } of compiled) {
      const match = pattern.exec(url.pathname);
      if (!match) continue;
      pathMatched = true;
      if (route.method !== method) continue;
      const pathParameters = Object.fromEntries(
        names.map((name, i) => [name, decodeURIComponent(match[i + 1] ?? "")]),
      );
      let claims: Record<string, string> | undefined;
      if (route.auth === "staff") {
        const token = /^Bearer (.+)$/i.exec(request.headers.authorization ?? "")?.[1];
        claims = token ? await options.authorizer.verify(token) : undefined;
        if (!claims) {
          // On AWS this 401 comes from the JWT authorizer, before any function runs.
          return send(
            response,
            problem(
              401,
              "unauthorized",
              "Unauthorized",
              "A valid bearer token is required.",
              {},
              { "www-authenticate": "Bearer" },
            ),
          );
        }
      }
      const routeKey = `${route.method} ${route.path}`;
      const event = toApiGatewayEvent({ request, body, routeKey, pathParameters, claims });
      let handler = handlers.get(route.handler);
      if (!handler) {
        handler = load(route.handler);
        handlers.set(route.handler, handler);
      }
      const invoke = async () =>
        (await handler)(
          event,
          lambdaContext(
            route.handler,
            event.requestContext.requestId,
            route.memoryMb,
            // As in the stack: the function's timeout is a second past the integration's.
            Math.max(API_FUNCTION_TIMEOUT_SECONDS * 1_000, integrationTimeoutMs + 1_000),
          ),
        );
      // As API Gateway: past the integration timeout the client gets its 503, whatever the function does.
      const result = await withinTimeout(invoke(), integrationTimeoutMs);
      if (result === TIMED_OUT) {
        // The handler goes on in this process (Lambda would stop it a second later); its answer is dropped.
        console.error(
          JSON.stringify({
            level: "ERROR",
            message: "integration timed out",
            route: routeKey,
            timeoutMs: integrationTimeoutMs,
          }),
        );
        return send(response, GATEWAY_TIMEOUT);
      }
      return send(response, result);
    }
    // API Gateway's own answers when no route matches.
    send(
      response,
      problem(
        pathMatched ? 405 : 404,
        "no-route",
        pathMatched ? "Method not allowed" : "Not found",
        "No such route.",
      ),
    );
  }

  return createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      // A handler that throws is a Lambda invocation error: API Gateway answers 500 without details.
      console.error(
        JSON.stringify({ level: "ERROR", message: "handler invocation failed", error: String(error) }),
      );
      if (!response.headersSent)
        send(response, problem(500, "internal", "Internal error", "Internal Server Error"));
    });
  });
}

const TIMED_OUT = Symbol("timed out");

function withinTimeout<T>(work: Promise<T>, timeoutMs: number): Promise<T | typeof TIMED_OUT> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<typeof TIMED_OUT>((resolve) => {
    timer = setTimeout(() => resolve(TIMED_OUT), timeoutMs);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

const TOO_LARGE = Symbol("too large");

/**
 * The whole body, or TOO_LARGE as soon as it is known to exceed the limit: from Content-Length before
 * reading anything, or once the chunks read pass it. Never holds more than the limit in memory.
 */
function readBody(request: IncomingMessage, maxBytes: number): Promise<Buffer | typeof TOO_LARGE> {
  const declared = Number(request.headers["content-length"]);
  if (Number.isFinite(declared) && declared > maxBytes) {
    request.pause();
    return Promise.resolve(TOO_LARGE);
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) {
        request.off("data", onData);
        request.pause();
        chunks.length = 0;
        resolve(TOO_LARGE);
        return;
      }
      chunks.push(chunk);
    };
    request.on("data", onData);
    request.on("end", () => resolve(Buffer.concat(chunks)));
    request.on("error", reject);
  });
}

function send(response: ServerResponse, result: APIGatewayProxyStructuredResultV2): void {
  const headers = { ...(result.headers ?? {}) } as Record<string, string | number | boolean>;
  const body =
    result.body === undefined
      ? undefined
      : Buffer.from(result.body, result.isBase64Encoded ? "base64" : "utf8");
  response.writeHead(result.statusCode ?? 200, {
    ...headers,
    ...(result.cookies?.length ? { "set-cookie": result.cookies } : {}),
    ...(body ? { "content-length": body.length } : {}),
  });
  response.end(response.req.method === "HEAD" ? undefined : body);
}
