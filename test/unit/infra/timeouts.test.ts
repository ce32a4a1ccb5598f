import { App } from "aws-cdk-lib";
import { Match } from "aws-cdk-lib/assertions";
import { beforeAll, describe, expect, it, vi } from "vitest";
import { ROUTES } from "../../../infra/routes.ts";
import { BACKGROUND_FUNCTIONS } from "../../../infra/stack/background-functions.ts";
import { readStageConfig } from "../../../infra/stack/stage-config.ts";
import {
  API_FUNCTION_TIMEOUT_SECONDS,
  API_GATEWAY_MAX_INTEGRATION_TIMEOUT_SECONDS,
  API_INTEGRATION_TIMEOUT_SECONDS,
  APNS_MAX_ATTEMPTS,
  APNS_REQUEST_TIMEOUT_MS,
  COGNITO_TRIGGER_TIMEOUT_SECONDS,
  CONTENTION_BUDGET_MS,
  COUPON_ISSUER_MAX_TIMEOUT_MS,
  COUPON_ISSUER_TIMEOUT_MS,
  DYNAMODB_CALL_BUDGET_MS,
  DYNAMODB_CONNECT_TIMEOUT_MS,
  DYNAMODB_MAX_ATTEMPTS,
  DYNAMODB_REQUEST_TIMEOUT_MS,
  GOOGLE_WALLET_MAX_ATTEMPTS,
  GOOGLE_WALLET_REQUEST_TIMEOUT_MS,
  JOB_FUNCTION_TIMEOUT_SECONDS,
  KMS_MAX_ATTEMPTS,
  KMS_REQUEST_TIMEOUT_MS,
  SDK_RETRY_MAX_DELAY_MS,
  SECRETS_MAX_ATTEMPTS,
  SECRETS_REQUEST_TIMEOUT_MS,
  SES_MAX_ATTEMPTS,
  SES_REQUEST_TIMEOUT_MS,
  SNS_MAX_ATTEMPTS,
  SNS_REQUEST_TIMEOUT_MS,
  STREAM_FUNCTION_TIMEOUT_SECONDS,
  sdkCallBudgetMs,
} from "../../../shared/budgets.ts";
import { EXPIRY_CUSTOMER_FAILED_MESSAGE } from "../../../shared/logged-failures.ts";
import { retryDelayMs } from "../../../shared/sdk-client-budget.ts";
import { type Resources, type Synthesized, synthStack } from "./synth.ts";

vi.setConfig({ testTimeout: 60_000, hookTimeout: 120_000 });

let synthesized: Synthesized;
beforeAll(() => {
  synthesized = synthStack({
    context: { stage: "prod", sesIdentityArn: "arn:aws:ses:eu-west-3:123456789012:identity/example.com" },
    background: BACKGROUND_FUNCTIONS,
  });
});

function functionOf(handler: string): Resources[string] {
  const functions = synthesized.template.findResources("AWS::Lambda::Function") as Resources;
  const match = Object.values(functions).find((fn) =>
    String(fn.Properties.Description ?? "").includes(`functions/${handler}.ts`),
  );
  if (!match) throw new Error(`No function for functions/${handler}.ts`);
  return match;
}

describe("time budgets (shared/budgets.ts)", () => {
  it("bound one SDK call: every attempt times out and the pauses between them are capped", () => {
    expect(DYNAMODB_CALL_BUDGET_MS).toBe(
      DYNAMODB_MAX_ATTEMPTS * DYNAMODB_REQUEST_TIMEOUT_MS +
        (DYNAMODB_MAX_ATTEMPTS - 1) * SDK_RETRY_MAX_DELAY_MS,
    );
    expect(DYNAMODB_CONNECT_TIMEOUT_MS).toBeLessThanOrEqual(DYNAMODB_REQUEST_TIMEOUT_MS);
    // A stalled DynamoDB is answered within seconds.
    expect(DYNAMODB_CALL_BUDGET_MS).toBeLessThanOrEqual(6_000);
    for (const attempt of [0, 1, 2, 5, 10, 30]) {
      expect(retryDelayMs(attempt, () => 0.999_999)).toBeLessThanOrEqual(SDK_RETRY_MAX_DELAY_MS);
      expect(retryDelayMs(attempt, () => 0)).toBe(0);
    }
  });

  it("fit the contention budget and every other client's call inside the integration timeout", () => {
    const integrationMs = API_INTEGRATION_TIMEOUT_SECONDS * 1_000;
    expect(CONTENTION_BUDGET_MS + 2 * DYNAMODB_CALL_BUDGET_MS).toBeLessThan(integrationMs);
    for (const [timeout, attempts] of [
      [KMS_REQUEST_TIMEOUT_MS, KMS_MAX_ATTEMPTS],
      [SECRETS_REQUEST_TIMEOUT_MS, SECRETS_MAX_ATTEMPTS],
      [SES_REQUEST_TIMEOUT_MS, SES_MAX_ATTEMPTS],
      [SNS_REQUEST_TIMEOUT_MS, SNS_MAX_ATTEMPTS],
    ] as const) {
      expect(DYNAMODB_CALL_BUDGET_MS + sdkCallBudgetMs(timeout, attempts)).toBeLessThan(integrationMs);
    }
    // A refund waits for the coupon issuer twice (the second timing out is a 503), besides a table call
    // that only just succeeded.
    expect(2 * COUPON_ISSUER_MAX_TIMEOUT_MS + DYNAMODB_CALL_BUDGET_MS).toBeLessThan(integrationMs);
    expect(COUPON_ISSUER_TIMEOUT_MS).toBeLessThanOrEqual(COUPON_ISSUER_MAX_TIMEOUT_MS);
    expect(API_FUNCTION_TIMEOUT_SECONDS).toBeGreaterThan(API_INTEGRATION_TIMEOUT_SECONDS);
    expect(API_FUNCTION_TIMEOUT_SECONDS).toBeLessThanOrEqual(API_GATEWAY_MAX_INTEGRATION_TIMEOUT_SECONDS);
  });

  it("fit a stream record's slowest path inside the stream function's timeout", () => {
    // Attempts × timeout plus the clients' own backoff between attempts (APNs 250 ms, Google 500 ms, doubling).
    const apnsPushMs = APNS_MAX_ATTEMPTS * APNS_REQUEST_TIMEOUT_MS + 250 * (2 ** (APNS_MAX_ATTEMPTS - 1) - 1);
    const googleCallMs =
      GOOGLE_WALLET_MAX_ATTEMPTS * GOOGLE_WALLET_REQUEST_TIMEOUT_MS +
      500 * (2 ** (GOOGLE_WALLET_MAX_ATTEMPTS - 1) - 1);
    const streamMs = STREAM_FUNCTION_TIMEOUT_SECONDS * 1_000;
    // A new Google object: the class upsert, then the object upsert, and a few table calls around them.
    expect(2 * googleCallMs + 4 * DYNAMODB_CALL_BUDGET_MS).toBeLessThan(streamMs);
    // An Apple pass: pushes to its devices run at once; the table calls before and after.
    expect(apnsPushMs + 4 * DYNAMODB_CALL_BUDGET_MS).toBeLessThan(streamMs);
  });

  it("refuse a coupon issuer timeout longer than the API budget allows", () => {
    const config = (timeout: string) =>
      readStageConfig(
        new App({ context: { couponIssuerUrl: "https://x.example", couponIssuerTimeoutMs: timeout } }).node,
      );
    expect(config(String(COUPON_ISSUER_MAX_TIMEOUT_MS)).couponIssuer.timeoutMs).toBe(
      String(COUPON_ISSUER_MAX_TIMEOUT_MS),
    );
    expect(() => config(String(COUPON_ISSUER_MAX_TIMEOUT_MS + 1))).toThrow(/couponIssuerTimeoutMs/);
    expect(() => config("0")).toThrow(/couponIssuerTimeoutMs/);
    expect(() => config("1.5")).toThrow(/couponIssuerTimeoutMs/);
  });
});

describe("Lambda and integration timeouts in the stack", () => {
  it("give every API function the budget's timeout, within API Gateway's 29 s", () => {
    for (const handler of new Set(ROUTES.map((route) => route.handler))) {
      expect(functionOf(handler).Properties.Timeout, handler).toBe(API_FUNCTION_TIMEOUT_SECONDS);
    }
    expect(API_FUNCTION_TIMEOUT_SECONDS).toBeLessThanOrEqual(29);
  });

  it("make API Gateway give up (503) before Lambda does (500)", () => {
    const integrations = synthesized.template.findResources("AWS::ApiGatewayV2::Integration") as Resources;
    expect(Object.keys(integrations)).toHaveLength(
      new Set(ROUTES.map((route) => `${route.method} ${route.path}`)).size,
    );
    for (const integration of Object.values(integrations)) {
      expect(integration.Properties.TimeoutInMillis).toBe(API_INTEGRATION_TIMEOUT_SECONDS * 1_000);
    }
  });

  it("give background functions and the Cognito trigger their own budgets", () => {
    expect(functionOf("cognito-pre-token").Properties.Timeout).toBe(COGNITO_TRIGGER_TIMEOUT_SECONDS);
    expect(functionOf("pass-updates-stream").Properties.Timeout).toBe(STREAM_FUNCTION_TIMEOUT_SECONDS);
    expect(functionOf("notifications-stream").Properties.Timeout).toBe(STREAM_FUNCTION_TIMEOUT_SECONDS);
    expect(functionOf("expiry-job").Properties.Timeout).toBe(JOB_FUNCTION_TIMEOUT_SECONDS);
  });
});

describe("expiry failures alarm", () => {
  it("counts the expiry job's per-customer failure lines with a metric filter on its log group", () => {
    const logGroup = (functionOf("expiry-job").Properties.LoggingConfig as { LogGroup: { Ref: string } })
      .LogGroup.Ref;
    synthesized.template.hasResourceProperties("AWS::Logs::MetricFilter", {
      LogGroupName: { Ref: logGroup },
      FilterPattern: `{ $.message = "${EXPIRY_CUSTOMER_FAILED_MESSAGE}" }`,
      MetricTransformations: [
        { MetricNamespace: "loyalty-wallet", MetricName: "ExpiryCustomerFailures", MetricValue: "1" },
      ],
    });
  });

  it("alarms from the first failed customer in a day, to the alarm topic", () => {
    const [topicId] = Object.keys(synthesized.template.findResources("AWS::SNS::Topic"));
    synthesized.template.hasResourceProperties("AWS::CloudWatch::Alarm", {
      AlarmName: "loyalty-wallet-test-expiry-job-customer-failures",
      Namespace: "loyalty-wallet",
      MetricName: "ExpiryCustomerFailures",
      Statistic: "Sum",
      Period: 86_400,
      Threshold: 1,
      EvaluationPeriods: 1,
      ComparisonOperator: "GreaterThanOrEqualToThreshold",
      TreatMissingData: "notBreaching",
      AlarmActions: [{ Ref: topicId }],
      OKActions: [{ Ref: topicId }],
      Dimensions: Match.absent(),
    });
  });
});
