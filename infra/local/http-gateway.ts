import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type {
  APIGatewayProxyEventV2WithJWTAuthorizer,
  APIGatewayProxyStructuredResultV2,
  Context,
} from "aws-lambda";
import { problem } from "../../functions/http/problem.ts";
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

const MAX_BODY_BYTES = 10 * 1024 * 1024;

export interface GatewayOptions {
  routes: readonly RouteDefinition[];
  authorizer: LocalAuthorizer;
  /** Loads a handler module by its name in the route table. */
  loadHandler?: (name: string) => Promise<LambdaHandler>;
}

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

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const body = await readBody(request);
    const url = new URL(request.url ?? "/", "http://local");
    const method = request.method ?? "GET";
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
      const result = await (await handler)(
        event,
        lambdaContext(route.handler, event.requestContext.requestId, route.memoryMb),
      );
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

function readBody(request: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        reject(new Error("request body too large"));
        request.destroy();
        return;
      }
      chunks.push(chunk);
    });
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
