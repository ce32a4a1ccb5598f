import { CfnOutput, Duration, NestedStack, Stack, type StackProps } from "aws-cdk-lib";
import type { Construct } from "constructs";
import { COGNITO_TRIGGER_TIMEOUT_SECONDS } from "../../shared/budgets.ts";
import { ROUTES, type RouteDefinition } from "../routes.ts";
import { type GrantTargets, grantNeeds, SecretReferences } from "./access-grants.ts";
import { OperationalAlarms } from "./alarms.ts";
import { AppFunction, type AppFunctionProps } from "./app-function.ts";
import { type BackgroundFunctionDefinition, presentBackgroundFunctions } from "./background-functions.ts";
import { createDataTable } from "./data-table.ts";
import { createExportsBucket } from "./exports-bucket.ts";
import { bundleHandlers, stubCode } from "./function-bundles.ts";
import { type FunctionNeeds, functionNeeds, needsOf } from "./function-needs.ts";
import { LoyaltyHttpApi, routeGroup } from "./http-api.ts";
import { scheduleFunction } from "./scheduled-job.ts";
import { StaffAuth } from "./staff-auth.ts";
import { type StageConfig, stageSettings } from "./stage-config.ts";
import { consumeTableStream } from "./stream-consumer.ts";

export interface LoyaltyWalletStackProps extends StackProps {
  config: StageConfig;
  /** Defaults to infra/routes.ts. */
  routes?: readonly RouteDefinition[];
  /** Defaults to the declared background functions whose module exists. */
  background?: readonly BackgroundFunctionDefinition[];
  /** Defaults to the routes' own `needs` and function-needs.ts's BACKGROUND_NEEDS. */
  needs?: Readonly<Record<string, FunctionNeeds>>;
  /**
   * "bundle" (the default) bundles every handler with esbuild; "stub" gives each function a one-line
   * inline handler, so unit tests can synthesize the stack many times without bundling.
   */
  code?: "bundle" | "stub";
}

const PRE_TOKEN_HANDLER = "cognito-pre-token";

/** PascalCase construct id from a handler module name: "scan-lookup" → "ScanLookup". */
function pascalCase(name: string): string {
  return name.replace(/(^|-)([a-z0-9])/g, (_, _dash, c: string) => c.toUpperCase());
}

/**
 * Everything loyalty-wallet runs on, for one stage: one deployable stack. Route functions (each with
 * its role, log group, alarm, integration and route: six to eight resources) live in one nested stack
 * per route group, so the API can keep growing past CloudFormation's 500 resources per stack; shared
 * resources (table, user pool, API, alarm topic, background functions) stay here.
 */
export class LoyaltyWalletStack extends Stack {
  constructor(scope: Construct, id: string, props: LoyaltyWalletStackProps) {
    super(scope, id, props);
    const { config } = props;
    const settings = stageSettings(config.stage);
    const routes = props.routes ?? ROUTES;
    const needs = props.needs ?? functionNeeds(routes);
    const background = props.background ?? presentBackgroundFunctions();
    const codeFor =
      props.code === "stub"
        ? stubCode
        : bundleHandlers([
            PRE_TOKEN_HANDLER,
            ...routes.map((r) => r.handler),
            ...background.map((b) => b.handler),
          ]);

    const table = createDataTable(this, settings);
    const secrets = new SecretReferences(this, "Secrets", config.secretNames);
    const alarms = new OperationalAlarms(this, "Alarms", { alarmEmail: config.alarmEmail });

    const grantTargets: GrantTargets = {
      table,
      secrets,
      wallet: config.wallet,
      sesIdentityArn: config.sesIdentityArn,
      ...(config.smsSender ? { smsSender: config.smsSender } : {}),
      couponIssuer: config.couponIssuer,
      exportsBucket: createExportsBucket(this, settings),
      signUp: config.signUp,
    };
    const functions = new Map<string, { target: AppFunction; scope: Construct; memoryMb?: number }>();
    /** Every function goes through here: same defaults, its declared grants, its alarms. */
    const appFunction = (
      options: Omit<AppFunctionProps, "settings" | "code">,
      scope: Construct = this,
    ): { target: AppFunction; scope: Construct } => {
      const existing = functions.get(options.handler);
      if (existing) {
        // Routes served by one module share its function, so they must agree on its size.
        if (existing.memoryMb !== options.memoryMb) {
          throw new Error(`Routes served by functions/${options.handler}.ts ask for different memoryMb`);
        }
        return existing;
      }
      const target = new AppFunction(scope, pascalCase(options.handler), {
        ...options,
        settings,
        code: codeFor(options.handler),
      });
      grantNeeds(target, needsOf(options.handler, needs), grantTargets);
      alarms.watchFunction(target);
      const created = { target, scope, memoryMb: options.memoryMb };
      functions.set(options.handler, created);
      return created;
    };

    const { target: preToken } = appFunction({
      handler: PRE_TOKEN_HANDLER,
      description: "Cognito: staff ids into access tokens",
      // Cognito gives up on a trigger after 5 s and fails the sign-in.
      timeout: Duration.seconds(COGNITO_TRIGGER_TIMEOUT_SECONDS),
    });
    const auth = new StaffAuth(this, "StaffAuth", { settings, preTokenGeneration: preToken.fn });
    grantTargets.userPool = auth.userPool;
    grantTargets.scannerClient = auth.scannerClient;

    const api = new LoyaltyHttpApi(this, "Http", { staffAuthorizer: auth.authorizer, settings });
    grantTargets.apiBaseUrl = config.wallet.apiBaseUrl ?? api.url;
    const groups = new Map<string, NestedStack>();
    const groupStack = (group: string): NestedStack => {
      let nested = groups.get(group);
      if (!nested) {
        nested = new NestedStack(this, `Routes${pascalCase(group)}`, {
          description: `loyalty-wallet (${config.stage}): /${group} routes and their functions`,
        });
        groups.set(group, nested);
      }
      return nested;
    };
    for (const route of routes) {
      // A module's later routes join its function wherever its first route put it.
      const { target, scope } = appFunction(
        { handler: route.handler, memoryMb: route.memoryMb },
        functions.get(route.handler)?.scope ?? groupStack(routeGroup(route)),
      );
      api.addRoute(scope, route, target.fn);
    }
    alarms.watchApi(api.httpApi);
    alarms.watchThrottles();

    for (const definition of background) {
      const { target } = appFunction({
        handler: definition.handler,
        memoryMb: definition.memoryMb,
        timeout: definition.timeout,
      });
      const { trigger } = definition;
      for (const failure of definition.loggedFailures ?? []) alarms.watchLoggedFailures(target, failure);
      if (trigger.kind === "tableStream") {
        const failures = consumeTableStream(target, table, trigger, settings);
        alarms.watchFailureQueue(definition.handler, failures);
        alarms.watchIteratorAge(definition.handler, target.fn);
      } else {
        scheduleFunction(target, trigger);
      }
    }

    new CfnOutput(this, "ApiUrl", { value: api.url, description: "Base URL of the HTTP API" });
    new CfnOutput(this, "WebServiceUrl", {
      value: `${grantTargets.apiBaseUrl}/apple`,
      description: "webServiceURL for Apple Wallet pass.json",
    });
    new CfnOutput(this, "UserPoolId", { value: auth.userPool.userPoolId });
    new CfnOutput(this, "ScannerClientId", {
      value: auth.scannerClient.userPoolClientId,
      description: "Cognito app client the scanner apps sign in with",
    });
    new CfnOutput(this, "TableName", { value: table.tableName });
    new CfnOutput(this, "AlarmTopicArn", { value: alarms.topic.topicArn });
  }
}
