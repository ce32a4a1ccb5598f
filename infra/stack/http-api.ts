import { Duration, Validations } from "aws-cdk-lib";
import * as apigw from "aws-cdk-lib/aws-apigateway";
import * as apigwv2 from "aws-cdk-lib/aws-apigatewayv2";
import { HttpLambdaIntegration } from "aws-cdk-lib/aws-apigatewayv2-integrations";
import type * as lambda from "aws-cdk-lib/aws-lambda";
import * as logs from "aws-cdk-lib/aws-logs";
import { Construct } from "constructs";
import { ACCESS_TOKEN_SCOPE } from "../../shared/auth/access-token.ts";
import { API_INTEGRATION_TIMEOUT_SECONDS } from "../../shared/budgets.ts";
import type { RouteDefinition } from "../routes.ts";
import type { StageSettings } from "./stage-config.ts";

export interface LoyaltyHttpApiProps {
  staffAuthorizer: apigwv2.IHttpRouteAuthorizer;
  settings: StageSettings;
}

// No Authorization header and no body: ids and timings are enough to follow a request into the function logs.
const ACCESS_LOG_FIELDS = {
  requestId: "$context.requestId",
  ip: "$context.identity.sourceIp",
  requestTime: "$context.requestTimeEpoch",
  routeKey: "$context.routeKey",
  status: "$context.status",
  protocol: "$context.protocol",
  responseLength: "$context.responseLength",
  responseLatency: "$context.responseLatency",
  integrationLatency: "$context.integrationLatency",
  integrationError: "$context.integrationErrorMessage",
  authorizerError: "$context.authorizer.error",
  merchantId: "$context.authorizer.claims.merchant_id",
  staffId: "$context.authorizer.claims.staff_id",
};

/** Construct ids may not contain "/", and route keys are mostly slashes. */
function routeId(route: RouteDefinition): string {
  return `${route.method}${route.path.replace(/[^A-Za-z0-9]+/g, "-")}`;
}

/**
 * The group a route's function and route live in: the first path segment after the version
 * ("/v1/customers/{id}" → "customers", "/apple/v1/…" → "apple"). Stable as routes are added, so adding
 * one never moves another between stacks.
 */
export function routeGroup(route: RouteDefinition): string {
  const segments = route.path.split("/").filter((segment) => segment && !/^v\d+$/.test(segment));
  return segments[0]?.replace(/[^A-Za-z0-9]/g, "") || "root";
}

/**
 * The HTTP API; the stack adds one route per entry in infra/routes.ts. Binary bodies need no binary-media-type
 * setting on an HTTP API: a function that returns `isBase64Encoded: true` (a .pkpass for Apple Wallet)
 * has its body decoded and sent as bytes, with the content type it set.
 */
export class LoyaltyHttpApi extends Construct {
  readonly httpApi: apigwv2.HttpApi;
  readonly stage: apigwv2.HttpStage;
  private readonly staffAuthorizer: apigwv2.IHttpRouteAuthorizer;

  constructor(scope: Construct, id: string, props: LoyaltyHttpApiProps) {
    super(scope, id);

    // Scanner apps are native clients, not browsers, so there is no CORS configuration.
    this.httpApi = new apigwv2.HttpApi(this, "Api", {
      description: "loyalty-wallet: scanner API and wallet web services",
      createDefaultStage: false,
    });

    const accessLogs = new logs.LogGroup(this, "AccessLogs", {
      retention: props.settings.logRetention,
      removalPolicy: props.settings.removalPolicy,
    });
    this.stage = new apigwv2.HttpStage(this, "DefaultStage", {
      httpApi: this.httpApi,
      stageName: "$default",
      autoDeploy: true,
      accessLogSettings: {
        destination: new apigwv2.LogGroupLogDestination(accessLogs),
        format: apigw.AccessLogFormat.custom(JSON.stringify(ACCESS_LOG_FIELDS)),
      },
      // Well under the account default (10,000 rps): a runaway client should hit a 429 before it
      // runs up an on-demand table bill. A busy merchant's scanners stay far below this.
      throttle: { rateLimit: 200, burstLimit: 400 },
    });

    this.staffAuthorizer = props.staffAuthorizer;
  }

  /**
   * One API Gateway route, its authorizer chosen by the route's declared auth. The route and its
   * integration go in `scope`, next to the function, so they can live in a nested stack.
   */
  addRoute(scope: Construct, route: RouteDefinition, fn: lambda.IFunction): void {
    const id = routeId(route);
    const httpRoute = new apigwv2.HttpRoute(scope, id, {
      httpApi: this.httpApi,
      routeKey: apigwv2.HttpRouteKey.with(route.path, apigwv2.HttpMethod[route.method]),
      // Shorter than the function's timeout, so a stuck handler is answered API Gateway's retryable 503.
      integration: new HttpLambdaIntegration(`${id}-Integration`, fn, {
        timeout: Duration.seconds(API_INTEGRATION_TIMEOUT_SECONDS),
      }),
      ...(route.auth === "staff"
        ? { authorizer: this.staffAuthorizer, authorizationScopes: [ACCESS_TOKEN_SCOPE] }
        : { authorizer: new apigwv2.HttpNoneAuthorizer() }),
    });
    if (route.auth === "none") {
      Validations.of(httpRoute).acknowledge({
        id: "AwsSolutions-APIG4",
        reason: `${route.method} ${route.path} is declared auth "none" in infra/routes.ts: its callers (Apple/Google Wallet, customers) hold no staff token, and functions/${route.handler}.ts authenticates them itself.`,
      });
    }
  }

  /** The base URL clients use; the $default stage adds no path segment. */
  get url(): string {
    return this.httpApi.apiEndpoint;
  }
}
