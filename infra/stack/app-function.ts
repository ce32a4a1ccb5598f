import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Duration, Validations } from "aws-cdk-lib";
import * as iam from "aws-cdk-lib/aws-iam";
import * as lambda from "aws-cdk-lib/aws-lambda";
import * as logs from "aws-cdk-lib/aws-logs";
import { Construct } from "constructs";
import { API_FUNCTION_TIMEOUT_SECONDS } from "../../shared/budgets.ts";
import type { StageSettings } from "./stage-config.ts";

export const PROJECT_ROOT = fileURLToPath(new URL("../../", import.meta.url));
export const FUNCTIONS_DIR = join(PROJECT_ROOT, "functions");

export function handlerEntry(handler: string): string {
  return join(FUNCTIONS_DIR, `${handler}.ts`);
}

export const SERVICE_NAME = "loyalty-wallet";

// 512 MB rather than the 128 MB default: Lambda gives CPU in proportion to memory, and SDK start-up
// plus hash-chain checks are CPU-bound, so cold starts and p99 drop more than the price rises.
const DEFAULT_MEMORY_MB = 512;
// Route functions take the default: derived from the SDK and contention budgets (shared/budgets.ts), so a
// handler still running after it is stuck, not slow; API Gateway has answered 503 a second before.
const DEFAULT_TIMEOUT = Duration.seconds(API_FUNCTION_TIMEOUT_SECONDS);

export interface AppFunctionProps {
  /** Module under functions/, without extension; it exports `handler`. */
  handler: string;
  settings: StageSettings;
  /** The bundle (function-bundles.ts), whose index.mjs exports `handler`. */
  code: lambda.Code;
  memoryMb?: number;
  timeout?: Duration;
  description?: string;
}

/**
 * Every function of the app (Powertools' FunctionWithLogGroup, in spirit): the same runtime,
 * architecture, tracing and logging, and a role that starts with nothing but writing to its own log
 * group. access-grants.ts adds the rest; function-bundles.ts makes the code.
 */
export class AppFunction extends Construct {
  readonly fn: lambda.Function;
  readonly role: iam.Role;
  readonly logGroup: logs.LogGroup;
  readonly handlerName: string;

  constructor(scope: Construct, id: string, props: AppFunctionProps) {
    super(scope, id);
    this.handlerName = props.handler;

    this.logGroup = new logs.LogGroup(this, "Logs", {
      retention: props.settings.logRetention,
      removalPolicy: props.settings.removalPolicy,
    });

    // A role of our own instead of AWSLambdaBasicExecutionRole: that managed policy may write to any log group.
    this.role = new iam.Role(this, "Role", {
      assumedBy: new iam.ServicePrincipal("lambda.amazonaws.com"),
      description: `${SERVICE_NAME} ${props.handler}`,
    });
    this.logGroup.grantWrite(this.role);

    this.fn = new lambda.Function(this, "Function", {
      // Names the module, so a function found in the console (or a test) leads straight to its code.
      description: [`${SERVICE_NAME}: functions/${props.handler}.ts`, props.description]
        .filter(Boolean)
        .join(" · "),
      runtime: lambda.Runtime.NODEJS_22_X,
      architecture: lambda.Architecture.ARM_64,
      memorySize: props.memoryMb ?? DEFAULT_MEMORY_MB,
      timeout: props.timeout ?? DEFAULT_TIMEOUT,
      role: this.role,
      logGroup: this.logGroup,
      loggingFormat: lambda.LoggingFormat.JSON,
      // Powertools honours Lambda's level filter; keeping both equal stops it dropping lines silently.
      applicationLogLevelV2: lambda.ApplicationLogLevel[props.settings.logLevel],
      systemLogLevelV2: lambda.SystemLogLevel.INFO,
      tracing: lambda.Tracing.ACTIVE,
      environment: {
        POWERTOOLS_SERVICE_NAME: SERVICE_NAME,
        POWERTOOLS_LOG_LEVEL: props.settings.logLevel,
        NODE_OPTIONS: "--enable-source-maps",
      },
      code: props.code,
      handler: "index.handler",
    });

    Validations.of(this.fn).acknowledge({
      id: "AwsSolutions-L1",
      reason:
        "nodejs22.x is the Node line package.json (engines) and the local stack and tests run on; the runtime moves with them.",
    });
    Validations.of(this.role).acknowledge({
      id: "AwsSolutions-IAM5[Resource::*]",
      reason:
        "Resource '*' is granted only for actions that support no resource-level permissions: xray:PutTraceSegments and xray:PutTelemetryRecords (active tracing) and, for stream consumers, dynamodb:ListStreams.",
    });
  }
}
