import type { APIGatewayProxyStructuredResultV2 } from "aws-lambda";
import { lambdaContext } from "../../infra/local/api-gateway-event.ts";

type Handler = (event: never, context: ReturnType<typeof lambdaContext>) => Promise<unknown>;

/**
 * `GET <prefix>` (the app's page) or `GET <prefix>/<file>` straight into a staff app's handler, as API
 * Gateway sends it: status, headers and the body's bytes.
 */
export function appFileRequester(handler: Handler, name: string, prefix: string) {
  return async (file: string | undefined, headers: Record<string, string> = {}) => {
    const routeKey = file === undefined ? `GET ${prefix}` : `GET ${prefix}/{file}`;
    const path = file === undefined ? prefix : `${prefix}/${file}`;
    const event = {
      version: "2.0",
      routeKey,
      rawPath: path,
      rawQueryString: "",
      headers: { host: "127.0.0.1:3000", ...headers },
      ...(file === undefined ? {} : { pathParameters: { file } }),
      isBase64Encoded: false,
      requestContext: { requestId: "req-1", routeKey, http: { method: "GET", path } },
    };
    const result = (await handler(
      event as never,
      lambdaContext(name, "req-1"),
    )) as APIGatewayProxyStructuredResultV2;
    const body = result.isBase64Encoded
      ? Buffer.from(result.body ?? "", "base64")
      : Buffer.from(result.body ?? "");
    return { status: result.statusCode, headers: (result.headers ?? {}) as Record<string, string>, body };
  };
}
