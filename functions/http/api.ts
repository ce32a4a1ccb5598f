import { injectLambdaContext } from "@aws-lambda-powertools/logger/middleware";
import middy from "@middy/core";
import type {
  APIGatewayProxyEventV2WithJWTAuthorizer,
  APIGatewayProxyStructuredResultV2,
  Context,
} from "aws-lambda";
import type * as z from "zod";
import { ROUTES, requiredPermissions, routeKey, type StaffRoute } from "../../infra/routes.ts";
import {
  type Principal,
  requireAnyPermission,
  requirePermission,
  resolvePrincipal,
} from "../../shared/auth/principal.ts";
import { ValidationError } from "../../shared/errors.ts";
import { logger } from "../../shared/logger.ts";
import { runtimeDeps } from "../../shared/runtime.ts";
import { errorResponse, problem } from "./problem.ts";

export type ApiEvent = APIGatewayProxyEventV2WithJWTAuthorizer;

export interface ApiRequest {
  event: ApiEvent;
  requestId: string;
  header(name: string): string | undefined;
  /** The JSON body, parsed; undefined when there is none. */
  json(): unknown;
}

export interface ApiResponse {
  status: number;
  /** Sent as JSON; a Buffer is sent as bytes (e.g. a .pkpass) with the content-type given in `headers`. */
  body?: unknown;
  headers?: Record<string, string>;
}

type Handler = (event: ApiEvent, context: Context) => Promise<APIGatewayProxyStructuredResultV2>;

function toRequest(event: ApiEvent): ApiRequest {
  const requestId = event.requestContext?.requestId ?? "unknown";
  return {
    event,
    requestId,
    header: (name) => {
      const wanted = name.toLowerCase();
      for (const [key, value] of Object.entries(event.headers ?? {})) {
        if (key.toLowerCase() === wanted) return value;
      }
      return undefined;
    },
    json: () => {
      if (event.body === undefined || event.body === null || event.body === "") return undefined;
      const text = event.isBase64Encoded ? Buffer.from(event.body, "base64").toString("utf8") : event.body;
      try {
        return JSON.parse(text);
      } catch {
        throw ValidationError.field("body", "is not valid JSON");
      }
    },
  };
}

function toResult(response: ApiResponse): APIGatewayProxyStructuredResultV2 {
  if (Buffer.isBuffer(response.body)) {
    // API Gateway decodes a body flagged base64 and sends the bytes (no binary media types on an HTTP API).
    return {
      statusCode: response.status,
      headers: { ...response.headers },
      body: response.body.toString("base64"),
      isBase64Encoded: true,
    };
  }
  return {
    statusCode: response.status,
    headers: {
      ...(response.body === undefined ? {} : { "content-type": "application/json" }),
      ...response.headers,
    },
    ...(response.body === undefined ? {} : { body: JSON.stringify(response.body) }),
  };
}

/**
 * The HTTP pipeline every API function shares: logger context, one error mapping, JSON in and out.
 * The handler itself only parses, authorizes, calls the domain and maps the result.
 */
export function apiHandler(handle: (request: ApiRequest) => Promise<ApiResponse>): Handler {
  return middy<ApiEvent, APIGatewayProxyStructuredResultV2>()
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .handler(async (event) => {
      const request = toRequest(event);
      logger.appendKeys({ requestId: request.requestId, route: event.routeKey });
      try {
        return toResult(await handle(request));
      } catch (error) {
        return errorResponse(error, request.requestId);
      }
    }) as unknown as Handler;
}

const STAFF_ROUTES = new Map(
  ROUTES.filter((route): route is StaffRoute => route.auth === "staff").map((route) => [
    routeKey(route),
    route,
  ]),
);

/** The declaration of the staff route the event came in on; any other route key is a wiring mistake (a 500). */
function staffRoute(event: ApiEvent): StaffRoute {
  const route = STAFF_ROUTES.get(event.routeKey);
  if (!route) throw new Error(`${event.routeKey} is not a staff route of infra/routes.ts`);
  return route;
}

/**
 * A staff route: the JWT authorizer has checked the token; the staff record decides what it may do. The
 * route's permission (infra/routes.ts) is checked here, after authentication (a deactivated member is a
 * 401 whatever the route) and before the handler runs; what depends on the request (this location, owner
 * rules) is the domain's to check.
 */
export function staffHandler(
  handle: (request: ApiRequest, principal: Principal) => Promise<ApiResponse>,
): Handler {
  return apiHandler(async (request) => {
    const route = staffRoute(request.event);
    const principal = await resolvePrincipal(
      runtimeDeps().db,
      request.event.requestContext?.authorizer?.jwt?.claims,
    );
    logger.appendKeys({ merchantId: principal.merchantId, staffId: principal.staffId });
    const rule = requiredPermissions(route);
    if ("anyOf" in rule) requireAnyPermission(principal, rule.anyOf);
    else for (const permission of rule.all) requirePermission(principal, permission);
    return handle(request, principal);
  });
}

/** Parses input with a schema; every failing field is named in the 400 problem. */
export function parse<S extends z.ZodType>(
  schema: S,
  value: unknown,
  where: "body" | "query" | "path",
): z.infer<S> {
  const result = schema.safeParse(value ?? {});
  if (result.success) return result.data;
  throw new ValidationError(
    result.error.issues.flatMap((issue) => {
      const path = issue.path.map(String).join(".");
      const prefix = where === "body" ? "" : `${where}.`;
      // Unknown keys are reported on each key, not on their parent object.
      if (issue.code === "unrecognized_keys") {
        return issue.keys.map((key) => ({
          field: prefix + [path, key].filter(Boolean).join("."),
          reason: "is not a known field",
        }));
      }
      return [{ field: prefix + (path || where), reason: issue.message }];
    }),
  );
}

export { problem };

/** The response of an idempotent write; a replay says so, so a scanner app can tell a retry from a new write. */
export function idempotentResponse(
  status: number,
  write: { result: unknown; replayed: boolean },
): ApiResponse {
  const headers: Record<string, string> = write.replayed ? { "idempotent-replayed": "true" } : {};
  return { status, body: write.result, headers };
}
