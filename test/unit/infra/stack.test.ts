import { existsSync } from "node:fs";
import { App, Duration, Validations } from "aws-cdk-lib";
import { Match } from "aws-cdk-lib/assertions";
import { AwsSolutionsChecks } from "cdk-nag";
import type { IConstruct } from "constructs";
import { beforeAll, describe, expect, it, vi } from "vitest";
import { ROUTES, type RouteDefinition } from "../../../infra/routes.ts";
import {
  SIGNING_KEY_CREATE_ACTIONS,
  SIGNING_KEY_RETIRE_ACTIONS,
  SIGNING_KEY_USE_ACTIONS,
  TABLE_READ_ACTIONS,
  TABLE_WRITE_ACTIONS,
} from "../../../infra/stack/access-grants.ts";
import { handlerEntry } from "../../../infra/stack/app-function.ts";
import {
  BACKGROUND_FUNCTIONS,
  type BackgroundFunctionDefinition,
  presentBackgroundFunctions,
} from "../../../infra/stack/background-functions.ts";
import { FUNCTION_NEEDS, type FunctionNeeds } from "../../../infra/stack/function-needs.ts";
import { readStageConfig, type SecretKey } from "../../../infra/stack/stage-config.ts";
import { PASS_UPDATES_FILTER_PATTERNS } from "../../../passes/pass-changes.ts";
import { INVITATION_MESSAGE } from "../../../shared/auth/invitation-message.ts";
import { SIGN_IN_ACTIONS } from "../../../shared/auth/sign-in-actions.ts";
import { JOB_FUNCTION_TIMEOUT_SECONDS } from "../../../shared/budgets.ts";
import { keyAttributes, TABLE } from "../../../shared/store/db/table-definition.ts";
import {
  actionsOf,
  actionsOfHandler,
  envOfHandler,
  type Resources,
  roleOfHandler,
  type Synthesized,
  statementsOfRole,
  synthStack,
} from "./synth.ts";

const ROUTE_HANDLERS = [...new Set(ROUTES.map((route) => route.handler))];
const READ_HANDLERS = ROUTE_HANDLERS.filter((handler) => FUNCTION_NEEDS[handler]?.table === "read");
const WRITE_HANDLER = "transactions-create";
/** Anything that can change an item, directly or inside a transaction. */
const WRITE_CAPABLE = [
  "dynamodb:PutItem",
  "dynamodb:UpdateItem",
  "dynamodb:DeleteItem",
  "dynamodb:BatchWriteItem",
  "dynamodb:ConditionCheckItem",
  "dynamodb:PartiQLInsert",
  "dynamodb:PartiQLUpdate",
  "dynamodb:PartiQLDelete",
  "dynamodb:*",
  "*",
];
/** A public route on a module that also serves a staff route. */
const PUBLIC_ROUTE: RouteDefinition = {
  method: "GET",
  path: "/v1/test/public",
  handler: "customers-get",
  auth: "none",
  needs: { table: "read" },
};
const WALLET_CONTEXT = {
  appleTeamId: "TEAM123456",
  applePassTypeId: "pass.example.loyalty",
  googleIssuerId: "3388000000000000000",
  googleProgramLogoUrl: "https://example.com/logo.png",
  apnsKeySecretName: "loyalty-wallet/prod/apns-key",
};

const SES_IDENTITY = "arn:aws:ses:eu-west-3:123456789012:identity/example.com";
/** Every module that calls the signing code (shared/keys/): statements, portal links, rotation, Apple passes. */
const SIGNING_HANDLERS = [
  "apple-get-pass",
  // The Welcome QR's portal link, for a member no e-mail reaches.
  "customers-create",
  "customers-portal-link",
  "join-card-request",
  "join-create",
  "me-portal-link",
  "me-statement",
  "notifications-stream",
  "pass-download",
  "statement-keys-rotate",
];
/**
 * Needs no handler declares yet, to see what each of them grants. staff-list's two lists overlap
 * (AdminGetUser, AdminAddUserToGroup), so the grant must list each action once.
 */
const CUSTOM_NEEDS: Readonly<Record<string, FunctionNeeds>> = {
  ...FUNCTION_NEEDS,
  "customers-get": { table: "read", email: true },
  "staff-list": { table: "read", staffSignIns: [...SIGN_IN_ACTIONS.update, ...SIGN_IN_ACTIONS.invite] },
  "roles-list": { table: "read", signUpPolicy: true },
};

let dev: Synthesized;
/** prod, with every declared background function as if its module existed, wallets configured, a public route. */
let full: Synthesized;
/** dev, with CUSTOM_NEEDS and the optional context set. */
let custom: Synthesized;

// Synthesizing dozens of functions takes seconds, more on a busy machine.
vi.setConfig({ testTimeout: 60_000, hookTimeout: 120_000 });

beforeAll(() => {
  dev = synthStack({ context: { stage: "dev" } });
  full = synthStack({
    context: { stage: "prod", ...WALLET_CONTEXT, smsSender: "sns" },
    routes: [...ROUTES, PUBLIC_ROUTE],
    background: BACKGROUND_FUNCTIONS,
  });
  custom = synthStack({
    needs: CUSTOM_NEEDS,
    routes: ROUTES.map((route) =>
      route.handler === "customers-ledger-verify" ? { ...route, memoryMb: 1536 } : route,
    ),
    background: BACKGROUND_FUNCTIONS,
    context: {
      sesIdentityArn: SES_IDENTITY,
      alarmEmail: "ops@example.com",
      passCertificatesSecretName: "custom/certs",
      signUp: "open",
    },
  });
});

describe("text messages", () => {
  it("are sent only by functions that declare them, and only when the stack is given smsSender=sns", () => {
    const senders = ROUTES.filter((route) => route.needs.sms).map((route) => route.handler);
    expect(senders).toEqual(["me-update", "join-create", "join-card-request"]);
    for (const handler of senders) {
      expect(actionsOfHandler(full.template, handler).has("sns:Publish"), handler).toBe(true);
      expect(envOfHandler(full.template, handler).SMS_SENDER).toBe("sns");
      const denied = statementsOfRole(full.template, roleOfHandler(full.template, handler)).filter(
        (statement) => (statement as { Effect?: string }).Effect === "Deny",
      );
      expect(denied).toMatchObject([{ Action: "sns:Publish", Resource: "arn:aws:sns:*:*:*" }]);
      expect(actionsOfHandler(dev.template, handler).has("sns:Publish"), handler).toBe(false);
      expect(envOfHandler(dev.template, handler).SMS_SENDER).toBeUndefined();
    }
    expect(actionsOfHandler(full.template, "transactions-create").has("sns:Publish")).toBe(false);
  });
});

describe("table", () => {
  it("is built from TABLE: keys, GSIs with every attribute projected, TTL, stream, on-demand, PITR", () => {
    // gsi2, gsi3 and gsi5 share their sort key: it is defined once.
    const attributes = keyAttributes();
    const [table] = Object.values(dev.template.findResources("AWS::DynamoDB::Table"));
    expect(table?.Properties.AttributeDefinitions).toHaveLength(attributes.length);
    expect(attributes.filter((name) => name === "gsisk")).toHaveLength(1);
    dev.template.resourceCountIs("AWS::DynamoDB::Table", 1);
    dev.template.hasResourceProperties("AWS::DynamoDB::Table", {
      KeySchema: [
        { AttributeName: TABLE.partitionKey, KeyType: "HASH" },
        { AttributeName: TABLE.sortKey, KeyType: "RANGE" },
      ],
      AttributeDefinitions: Match.arrayWith(
        attributes.map((name) => ({ AttributeName: name, AttributeType: "S" })),
      ),
      GlobalSecondaryIndexes: TABLE.indexes.map((index) => ({
        IndexName: index.name,
        KeySchema: [
          { AttributeName: index.partitionKey, KeyType: "HASH" },
          { AttributeName: index.sortKey, KeyType: "RANGE" },
        ],
        // As the definition says: a keys-only index copies no item, an INCLUDE one only what its readers test.
        Projection: {
          ProjectionType: index.projection,
          ...(index.include ? { NonKeyAttributes: [...index.include] } : {}),
        },
      })),
      BillingMode: "PAY_PER_REQUEST",
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      StreamSpecification: { StreamViewType: TABLE.streamView },
      TimeToLiveSpecification: { AttributeName: TABLE.ttlAttribute, Enabled: true },
    });
  });

  it("is protected from deletion in prod only", () => {
    full.template.hasResource("AWS::DynamoDB::Table", {
      DeletionPolicy: "Retain",
      Properties: Match.objectLike({ DeletionProtectionEnabled: true }),
    });
    dev.template.hasResource("AWS::DynamoDB::Table", {
      DeletionPolicy: "Delete",
      Properties: Match.objectLike({ DeletionProtectionEnabled: false }),
    });
  });
});

describe("HTTP API", () => {
  it("has one route per ROUTES entry; staff routes behind the JWT authorizer", () => {
    dev.template.resourceCountIs("AWS::ApiGatewayV2::Route", ROUTES.length);
    const [authorizerId] = Object.keys(dev.template.findResources("AWS::ApiGatewayV2::Authorizer"));
    for (const route of ROUTES) {
      dev.template.hasResourceProperties("AWS::ApiGatewayV2::Route", {
        RouteKey: `${route.method} ${route.path}`,
        ...(route.auth === "staff"
          ? {
              AuthorizationType: "JWT",
              AuthorizerId: { Ref: authorizerId },
              // Only access tokens carry it; ID tokens have the same audience.
              AuthorizationScopes: ["aws.cognito.signin.user.admin"],
            }
          : { AuthorizationType: "NONE" }),
      });
    }
  });

  it("leaves auth none routes without an authorizer", () => {
    full.template.hasResourceProperties("AWS::ApiGatewayV2::Route", {
      RouteKey: `${PUBLIC_ROUTE.method} ${PUBLIC_ROUTE.path}`,
      AuthorizationType: "NONE",
      AuthorizerId: Match.absent(),
    });
  });

  it("checks tokens issued by the user pool for the scanner client", () => {
    const [poolId] = Object.keys(dev.template.findResources("AWS::Cognito::UserPool"));
    const [clientId] = Object.keys(dev.template.findResources("AWS::Cognito::UserPoolClient"));
    dev.template.hasResourceProperties("AWS::ApiGatewayV2::Authorizer", {
      AuthorizerType: "JWT",
      IdentitySource: ["$request.header.Authorization"],
      JwtConfiguration: {
        Audience: [{ Ref: clientId }],
        Issuer: {
          "Fn::Join": [
            "",
            ["https://cognito-idp.", { Ref: "AWS::Region" }, ".amazonaws.com/", { Ref: poolId }],
          ],
        },
      },
    });
  });

  it("logs access and throttles on the default stage", () => {
    dev.template.hasResourceProperties("AWS::ApiGatewayV2::Stage", {
      StageName: "$default",
      AutoDeploy: true,
      AccessLogSettings: { DestinationArn: Match.anyValue(), Format: Match.stringLikeRegexp("requestId") },
      DefaultRouteSettings: { ThrottlingRateLimit: Match.anyValue(), ThrottlingBurstLimit: Match.anyValue() },
    });
  });

  it("serves a module used by several routes from one function", () => {
    full.template.resourceCountIs("AWS::ApiGatewayV2::Route", ROUTES.length + 1);
    // One per module, plus the background functions and the Cognito trigger.
    full.template.resourceCountIs(
      "AWS::Lambda::Function",
      new Set(ROUTES.map((r) => r.handler)).size + BACKGROUND_FUNCTIONS.length + 1,
    );
  });

  it("sizes a function from the route's memoryMb", () => {
    custom.template.hasResourceProperties("AWS::Lambda::Function", {
      Description: Match.stringLikeRegexp("functions/customers-ledger-verify\\.ts"),
      MemorySize: 1536,
    });
  });
});

describe("Cognito", () => {
  it("has a pool staff cannot sign up to, with a strong password policy, optional TOTP and the id attributes", () => {
    dev.template.hasResourceProperties("AWS::Cognito::UserPool", {
      AdminCreateUserConfig: { AllowAdminCreateUserOnly: true },
      MfaConfiguration: "OPTIONAL",
      EnabledMfas: ["SOFTWARE_TOKEN_MFA"],
      Policies: {
        PasswordPolicy: Match.objectLike({
          MinimumLength: 12,
          RequireLowercase: true,
          RequireUppercase: true,
          RequireNumbers: true,
          RequireSymbols: true,
        }),
      },
      UserPoolTier: "PLUS",
      UserPoolAddOns: { AdvancedSecurityMode: "ENFORCED" },
      Schema: Match.arrayWith([
        Match.objectLike({ Name: "merchant_id", AttributeDataType: "String", Mutable: false }),
        Match.objectLike({ Name: "staff_id", AttributeDataType: "String", Mutable: false }),
      ]),
    });
  });

  it("runs the pre-token-generation trigger as V2, so it can add access-token claims", () => {
    const preTokenFunction = roleOfHandler(dev.template, "cognito-pre-token").replace(/Role.*$/, "");
    dev.template.hasResourceProperties("AWS::Cognito::UserPool", {
      LambdaConfig: {
        PreTokenGenerationConfig: {
          LambdaVersion: "V2_0",
          LambdaArn: { "Fn::GetAtt": [Match.stringLikeRegexp(`^${preTokenFunction}Function`), "Arn"] },
        },
      },
    });
    dev.template.hasResourceProperties("AWS::Lambda::Permission", {
      Action: "lambda:InvokeFunction",
      Principal: "cognito-idp.amazonaws.com",
    });
  });

  it("has the owner, manager and staff groups", () => {
    for (const group of ["owner", "manager", "staff"]) {
      dev.template.hasResourceProperties("AWS::Cognito::UserPoolGroup", { GroupName: group });
    }
  });

  it("invites with INVITATION_MESSAGE, the text the local pool sends, and a 3-day temporary password", () => {
    dev.template.hasResourceProperties("AWS::Cognito::UserPool", {
      AdminCreateUserConfig: {
        AllowAdminCreateUserOnly: true,
        InviteMessageTemplate: {
          EmailSubject: INVITATION_MESSAGE.subject,
          EmailMessage: INVITATION_MESSAGE.body,
        },
      },
      Policies: { PasswordPolicy: Match.objectLike({ TemporaryPasswordValidityDays: 3 }) },
    });
    // Cognito refuses a template without them.
    expect(INVITATION_MESSAGE.body).toContain("{username}");
    expect(INVITATION_MESSAGE.body).toContain("{####}");
  });

  it("has a scanner client without secret: SRP, password (as locally) and refresh, short-lived access tokens", () => {
    const clients = Object.values(dev.template.findResources("AWS::Cognito::UserPoolClient") as Resources);
    expect(clients).toHaveLength(1);
    const flows = (clients[0]?.Properties.ExplicitAuthFlows ?? []) as string[];
    expect([...flows].sort()).toEqual([
      "ALLOW_REFRESH_TOKEN_AUTH",
      "ALLOW_USER_PASSWORD_AUTH",
      "ALLOW_USER_SRP_AUTH",
    ]);
    dev.template.hasResourceProperties("AWS::Cognito::UserPoolClient", {
      GenerateSecret: false,
      AccessTokenValidity: 15,
      TokenValidityUnits: Match.objectLike({ AccessToken: "minutes" }),
      EnableTokenRevocation: true,
      WriteAttributes: Match.not(Match.arrayWith(["custom:merchant_id"])),
    });
  });
});

describe("functions", () => {
  it("all run nodejs22.x on arm64 with active tracing, JSON logs to their own group, Powertools settings", () => {
    const functions = full.template.findResources("AWS::Lambda::Function") as Resources;
    expect(Object.keys(functions).length).toBe(
      new Set([...ROUTES, PUBLIC_ROUTE].map((r) => r.handler)).size + BACKGROUND_FUNCTIONS.length + 1,
    );
    for (const fn of Object.values(functions)) {
      expect(fn.Properties).toMatchObject({
        Runtime: "nodejs22.x",
        Architectures: ["arm64"],
        TracingConfig: { Mode: "Active" },
        LoggingConfig: {
          LogFormat: "JSON",
          ApplicationLogLevel: "INFO",
          LogGroup: { Ref: expect.any(String) },
        },
        Environment: {
          Variables: expect.objectContaining({
            POWERTOOLS_SERVICE_NAME: "loyalty-wallet",
            POWERTOOLS_LOG_LEVEL: "INFO",
            NODE_OPTIONS: "--enable-source-maps",
          }),
        },
      });
    }
  });

  it("keep API timeouts under API Gateway's 29 s", () => {
    for (const route of ROUTES) {
      dev.template.hasResourceProperties("AWS::Lambda::Function", {
        Description: Match.stringLikeRegexp(`functions/${route.handler}\\.ts`),
        Timeout: Match.anyValue(),
      });
    }
    const functions = dev.template.findResources("AWS::Lambda::Function") as Resources;
    for (const fn of Object.values(functions)) expect(fn.Properties.Timeout).toBeLessThan(29);
  });

  it("set a retention on every log group: a month in dev, a year in prod", () => {
    for (const [{ template }, days] of [
      [dev, 30],
      [full, 365],
    ] as const) {
      const groups = template.findResources("AWS::Logs::LogGroup") as Resources;
      expect(Object.keys(groups).length).toBeGreaterThan(0);
      for (const group of Object.values(groups)) expect(group.Properties.RetentionInDays).toBe(days);
    }
  });

  it("leave every stack well under CloudFormation's 500 resources, with route groups in nested stacks", () => {
    const count = (template: Synthesized["template"]) =>
      Object.keys(template.toJSON().Resources as object).length;
    expect(full.nested.length).toBeGreaterThan(1);
    expect(count(full.root)).toBeLessThan(150);
    // A group gains about 8 resources per route; a group nearing the limit should be split by path.
    for (const { template } of full.nested) expect(count(template)).toBeLessThan(300);
  });

  it("use no AWS managed policy", () => {
    const roles = full.template.findResources("AWS::IAM::Role") as Resources;
    for (const role of Object.values(roles)) expect(role.Properties.ManagedPolicyArns).toBeUndefined();
  });
});

describe("least privilege", () => {
  it("gives read-only handlers nothing that can write", () => {
    expect(READ_HANDLERS).toEqual(
      expect.arrayContaining(["scan-lookup", "customers-get", "customers-ledger", "customers-ledger-verify"]),
    );
    for (const handler of READ_HANDLERS) {
      const actions = actionsOfHandler(dev.template, handler);
      for (const action of TABLE_READ_ACTIONS) expect(actions).toContain(action);
      for (const action of WRITE_CAPABLE) expect(actions, `${handler}: ${action}`).not.toContain(action);
    }
  });

  it("gives transactions-create what TransactWriteItems checks, and still no delete", () => {
    const actions = actionsOfHandler(dev.template, WRITE_HANDLER);
    for (const action of [...TABLE_READ_ACTIONS, ...TABLE_WRITE_ACTIONS]) expect(actions).toContain(action);
    expect(actions).not.toContain("dynamodb:DeleteItem");
    expect(actions).not.toContain("dynamodb:BatchWriteItem");
  });

  it("gives DeleteItem only to handlers that declare readWriteDelete", () => {
    const deleters = ROUTE_HANDLERS.filter((h) => FUNCTION_NEEDS[h]?.table === "readWriteDelete");
    expect(deleters).toContain("customers-update");
    for (const handler of ROUTE_HANDLERS) {
      expect(actionsOfHandler(dev.template, handler).has("dynamodb:DeleteItem"), handler).toBe(
        deleters.includes(handler),
      );
    }
  });

  it.each([
    ["as declared on the routes", () => dev, FUNCTION_NEEDS],
    ["with needs no route declares yet", () => custom, CUSTOM_NEEDS],
  ])(
    "grants each function exactly the sign-in actions it declares, on this user pool only (%s)",
    (_name, get, needs) => {
      const { template } = get();
      const [poolId] = Object.keys(template.findResources("AWS::Cognito::UserPool"));
      const functions = template.findResources("AWS::Lambda::Function") as Resources;
      let granting = 0;
      for (const fn of Object.values(functions)) {
        const handler = /functions\/([a-z0-9-]+)\.ts/.exec(String(fn.Properties.Description))?.[1] ?? "";
        const declared = needs[handler]?.staffSignIns ?? [];
        const cognito = statementsOfRole(template, roleOfHandler(template, handler)).filter((s) =>
          actionsOf(s).some((action) => action.startsWith("cognito-idp:")),
        );
        const variables = (fn.Properties.Environment as { Variables: Record<string, unknown> }).Variables;
        if (declared.length === 0) {
          expect(cognito, handler).toEqual([]);
          expect(variables.USER_POOL_ID, handler).toBeUndefined();
          continue;
        }
        granting++;
        const expected = [...new Set(declared)].sort().map((action) => `cognito-idp:${action}`);
        expect(cognito, handler).toEqual([
          {
            Sid: "StaffSignIns",
            Effect: "Allow",
            Action: expected,
            Resource: { "Fn::GetAtt": [poolId, "Arn"] },
          },
        ]);
        for (const action of expected) expect(action, handler).toMatch(/^cognito-idp:Admin[A-Za-z]+$/);
        expect(variables.USER_POOL_ID, handler).toEqual({ Ref: poolId });
      }
      expect(granting).toBe(
        Object.values(needs).filter((need) => (need.staffSignIns ?? []).length > 0).length,
      );
    },
  );

  it("lists an action declared by two operations once", () => {
    const actions = statementsOfRole(custom.template, roleOfHandler(custom.template, "staff-list"))
      .filter((s) => (s as { Sid?: string }).Sid === "StaffSignIns")
      .flatMap(actionsOf);
    expect(actions.filter((action) => action === "cognito-idp:AdminGetUser")).toHaveLength(1);
    expect(actions).toContain("cognito-idp:AdminCreateUser");
    expect(actions).toContain("cognito-idp:AdminUserGlobalSignOut");
  });

  it("refuses staffSignIns on the function made before the user pool (its trigger)", () => {
    expect(() =>
      synthStack({
        needs: { ...FUNCTION_NEEDS, "cognito-pre-token": { table: "none", staffSignIns: ["AdminGetUser"] } },
      }),
    ).toThrow(/cognito-pre-token\.ts declares staffSignIns but is created before the user pool/);
  });

  it("gives the pre-token trigger no table access and no TABLE_NAME", () => {
    const actions = [...actionsOfHandler(dev.template, "cognito-pre-token")];
    expect(actions.filter((action) => action.startsWith("dynamodb:"))).toEqual([]);
    dev.template.hasResourceProperties("AWS::Lambda::Function", {
      Description: Match.stringLikeRegexp("functions/cognito-pre-token\\.ts"),
      Environment: { Variables: Match.objectLike({ TABLE_NAME: Match.absent() }) },
    });
  });

  it("grants Resource '*' only for actions that have no resource-level permissions", () => {
    // sns:Publish to a phone number names no resource; the same role is denied every topic (tested below).
    const allowed = new Set([
      "xray:PutTraceSegments",
      "xray:PutTelemetryRecords",
      "dynamodb:ListStreams",
      "sns:Publish",
    ]);
    // Making a KMS key, and tagging it as it is made, cannot name the key: the request's tags scope it.
    const scopedByRequestTags = new Set<string>(SIGNING_KEY_CREATE_ACTIONS);
    const policies = full.template.findResources("AWS::IAM::Policy") as Resources;
    for (const policy of Object.values(policies)) {
      const statements = (
        policy.Properties.PolicyDocument as {
          Statement: { Resource: unknown; Condition?: { StringEquals?: Record<string, unknown> } }[];
        }
      ).Statement;
      for (const statement of statements) {
        if (statement.Resource !== "*") continue;
        for (const action of actionsOf(statement as never)) {
          if (!scopedByRequestTags.has(action)) expect(allowed, action).toContain(action);
          else
            expect(statement.Condition?.StringEquals?.["aws:RequestTag/app"], action).toBe("loyalty-wallet");
        }
      }
    }
  });

  it("gives KMS permissions only to the functions that sign, and only on the app's Ed25519 keys", () => {
    const declared = Object.keys(FUNCTION_NEEDS).filter((handler) => FUNCTION_NEEDS[handler]?.signingKeys);
    expect(declared.sort()).toEqual(SIGNING_HANDLERS);
    const deployed = [
      ...new Set([...ROUTES, PUBLIC_ROUTE].map((r) => r.handler)),
      "cognito-pre-token",
      ...BACKGROUND_FUNCTIONS.map((b) => b.handler),
    ];
    const kmsActions = [
      ...SIGNING_KEY_CREATE_ACTIONS,
      ...SIGNING_KEY_USE_ACTIONS,
      ...SIGNING_KEY_RETIRE_ACTIONS,
    ];
    for (const handler of deployed) {
      const granted = [...actionsOfHandler(full.template, handler)].filter((a) => a.startsWith("kms:"));
      expect(granted.sort(), handler).toEqual(
        SIGNING_HANDLERS.includes(handler) ? [...kmsActions].sort() : [],
      );
    }

    const statements = statementsOfRole(full.template, roleOfHandler(full.template, "me-statement")).filter(
      (statement) => actionsOf(statement).some((action) => action.startsWith("kms:")),
    );
    const ourTagKeys = { "ForAllValues:StringEquals": { "aws:TagKeys": ["app", "merchantId", "purpose"] } };
    const ourKeys = { "aws:ResourceTag/app": "loyalty-wallet", "kms:KeySpec": "ECC_NIST_EDWARDS25519" };
    const keyArns = {
      "Fn::Join": [
        "",
        [
          "arn:",
          { Ref: "AWS::Partition" },
          ":kms:",
          { Ref: "AWS::Region" },
          ":",
          { Ref: "AWS::AccountId" },
          ":key/*",
        ],
      ],
    };
    expect(statements).toEqual([
      expect.objectContaining({
        Action: "kms:CreateKey",
        Resource: "*",
        Condition: {
          StringEquals: {
            "aws:RequestTag/app": "loyalty-wallet",
            "kms:KeySpec": "ECC_NIST_EDWARDS25519",
            "kms:KeyUsage": "SIGN_VERIFY",
          },
          ...ourTagKeys,
        },
      }),
      expect.objectContaining({
        Action: "kms:TagResource",
        Resource: "*",
        Condition: { StringEquals: { "aws:RequestTag/app": "loyalty-wallet" }, ...ourTagKeys },
      }),
      expect.objectContaining({
        Action: ["kms:GetPublicKey", "kms:Sign"],
        Resource: keyArns,
        Condition: { StringEquals: ourKeys },
      }),
      expect.objectContaining({
        Action: "kms:ScheduleKeyDeletion",
        Resource: keyArns,
        Condition: {
          StringEquals: ourKeys,
          NumericGreaterThanEquals: { "kms:ScheduleKeyDeletionPendingWindowInDays": 30 },
        },
      }),
    ]);
  });

  it("refuses signingKeys without table writes: making a key writes the key ring", () => {
    expect(() =>
      synthStack({ needs: { ...FUNCTION_NEEDS, "me-statement": { table: "read", signingKeys: true } } }),
    ).toThrow(/signingKeys/);
  });

  it("lets only the functions that declare a secret read it, by name, and puts no value in the template", () => {
    const deployed = [
      ...new Set([...ROUTES, PUBLIC_ROUTE].map((r) => r.handler)),
      "cognito-pre-token",
    ].concat(BACKGROUND_FUNCTIONS.map((b) => b.handler));
    const { secretNames } = readStageConfig(full.app.node);
    for (const handler of deployed) {
      const statements = statementsOfRole(full.template, roleOfHandler(full.template, handler));
      const readable = JSON.stringify(
        statements
          .filter((s) => actionsOf(s).includes("secretsmanager:GetSecretValue"))
          .map((s) => s.Resource),
      );
      const declared = FUNCTION_NEEDS[handler]?.secrets ?? [];
      expect(Object.keys(secretNames)).toHaveLength(4);
      for (const [key, name] of Object.entries(secretNames) as [SecretKey, string][]) {
        // fromSecretNameV2 matches the random suffix Secrets Manager appends to every secret's ARN.
        expect(readable.includes(`:secret:${name}-??????`), `${handler} reads ${key}`).toBe(
          declared.includes(key),
        );
      }
    }
    full.template.hasResourceProperties("AWS::Lambda::Function", {
      Description: Match.stringLikeRegexp("functions/pass-updates-stream\\.ts"),
      Environment: {
        Variables: Match.objectLike({
          PASS_CERTIFICATES_SECRET_ID: "loyalty-wallet/prod/apple-pass-certificates",
          APNS_KEY_SECRET_ID: "loyalty-wallet/prod/apns-key",
          GOOGLE_SERVICE_ACCOUNT_SECRET_ID: "loyalty-wallet/prod/google-service-account",
        }),
      },
    });
    // SecretString is where a value would sit if one were ever put in the template.
    expect(JSON.stringify(full.template.toJSON()).includes("SecretString")).toBe(false);
    full.template.resourceCountIs("AWS::SecretsManager::Secret", 0);
  });

  it("takes secret names from context, and does without an APNs key unless one is named", () => {
    const { template } = custom;
    const stream = roleOfHandler(template, "pass-updates-stream");
    const readable = JSON.stringify(statementsOfRole(template, stream));
    expect(readable).toContain(":secret:custom/certs-??????");
    expect(readable).not.toContain("apns");
    template.hasResourceProperties("AWS::Lambda::Function", {
      Description: Match.stringLikeRegexp("functions/pass-updates-stream\\.ts"),
      Environment: {
        Variables: Match.objectLike({
          PASS_CERTIFICATES_SECRET_ID: "custom/certs",
          APNS_KEY_SECRET_ID: Match.absent(),
        }),
      },
    });
  });

  it("gives wallet functions the wallet settings and the API's URL, and nobody else", () => {
    const [apiId] = Object.keys(full.template.findResources("AWS::ApiGatewayV2::Api"));
    const functions = full.template.findResources("AWS::Lambda::Function") as Resources;
    for (const fn of Object.values(functions)) {
      const handler = /functions\/([a-z0-9-]+)\.ts/.exec(String(fn.Properties.Description))?.[1] ?? "";
      const variables = (fn.Properties.Environment as { Variables: Record<string, unknown> }).Variables;
      if (FUNCTION_NEEDS[handler]?.wallet) {
        expect(variables, handler).toMatchObject({
          API_BASE_URL: { "Fn::GetAtt": [apiId, "ApiEndpoint"] },
          APPLE_TEAM_ID: WALLET_CONTEXT.appleTeamId,
          APPLE_PASS_TYPE_ID: WALLET_CONTEXT.applePassTypeId,
          GOOGLE_ISSUER_ID: WALLET_CONTEXT.googleIssuerId,
          GOOGLE_PROGRAM_LOGO_URL: WALLET_CONTEXT.googleProgramLogoUrl,
          PASS_CERTIFICATES_SECRET_ID: "loyalty-wallet/prod/apple-pass-certificates",
        });
        expect(variables.GOOGLE_SAVE_ORIGINS, "unset context stays unset").toBeUndefined();
      } else {
        const wallet = Object.keys(variables).filter((v) => /^(API_BASE_URL|APPLE_|GOOGLE_)/.test(v));
        expect(wallet, handler).toEqual([]);
      }
    }
  });

  it("lets a function that declares email send from the configured identity only", () => {
    const { template } = custom;
    const send = statementsOfRole(template, roleOfHandler(template, "customers-get")).filter((s) =>
      actionsOf(s).includes("ses:SendEmail"),
    );
    expect(send).toEqual([expect.objectContaining({ Resource: SES_IDENTITY })]);
    expect(actionsOfHandler(template, "scan-lookup")).not.toContain("ses:SendEmail");
    // Without an identity the function gets no SES permission (it sends no email) and synth warns.
    const withoutIdentity = synthStack({ needs: CUSTOM_NEEDS });
    expect(actionsOfHandler(withoutIdentity.template, "customers-get")).not.toContain("ses:SendEmail");
    const warnings = withoutIdentity.stack.node
      .findAll()
      .flatMap((construct) => construct.node.metadata)
      .filter((entry) => entry.type === "aws:cdk:warning" && String(entry.data).includes("sesIdentityArn"));
    expect(warnings.length).toBeGreaterThan(0);
  });

  it("refuses a background function with no declared needs", () => {
    const [expiry] = BACKGROUND_FUNCTIONS.filter((b) => b.handler === "expiry-job");
    expect(() =>
      synthStack({
        background: [{ ...(expiry as BackgroundFunctionDefinition), handler: "undeclared-handler" }],
      }),
    ).toThrow(/BACKGROUND_NEEDS/);
  });

  it("refuses routes of one module that declare different needs", () => {
    const [route] = ROUTES.filter((r) => r.handler === "customers-get");
    expect(() =>
      synthStack({
        routes: [...ROUTES, { ...(route as RouteDefinition), path: "/v1/x", needs: { table: "readWrite" } }],
      }),
    ).toThrow(/customers-get\.ts declare different needs/);
  });
});

describe("background functions", () => {
  it("are deployed only once their module exists", () => {
    const declaration = (handler: string): BackgroundFunctionDefinition => ({
      handler,
      trigger: { kind: "schedule", cron: { minute: "0", hour: "0" }, description: "test" },
      timeout: Duration.seconds(1),
    });
    const existing = declaration("scan-lookup");
    const missing = declaration("no-such-module");
    expect(presentBackgroundFunctions([existing, missing])).toEqual([existing]);
    expect(presentBackgroundFunctions().map((b) => b.handler)).toEqual(
      BACKGROUND_FUNCTIONS.filter((b) => existsSync(handlerEntry(b.handler))).map((b) => b.handler),
    );
  });

  it("absent: no stream mapping, failure queue or schedule", () => {
    dev.template.resourceCountIs("AWS::Lambda::EventSourceMapping", 0);
    dev.template.resourceCountIs("AWS::SQS::Queue", 0);
    dev.template.resourceCountIs("AWS::Scheduler::Schedule", 0);
  });

  it("stream consumer: filtered, bounded retries, bisect, partial failures, failure queue", () => {
    const [queueId] = Object.keys(full.template.findResources("AWS::SQS::Queue"));
    full.template.hasResourceProperties("AWS::Lambda::EventSourceMapping", {
      EventSourceArn: { "Fn::GetAtt": [Match.stringLikeRegexp("^Table"), "StreamArn"] },
      StartingPosition: "TRIM_HORIZON",
      BisectBatchOnFunctionError: true,
      MaximumRetryAttempts: 5,
      MaximumRecordAgeInSeconds: 24 * 3600,
      FunctionResponseTypes: ["ReportBatchItemFailures"],
      DestinationConfig: { OnFailure: { Destination: { "Fn::GetAtt": [queueId, "Arn"] } } },
      FilterCriteria: {
        Filters: PASS_UPDATES_FILTER_PATTERNS.map((pattern) => ({ Pattern: JSON.stringify(pattern) })),
      },
    });
    full.template.hasResourceProperties("AWS::SQS::Queue", {
      SqsManagedSseEnabled: true,
      MessageRetentionPeriod: 14 * 24 * 3600,
    });
  });

  it("expiry job: a daily schedule that invokes it", () => {
    full.template.hasResourceProperties("AWS::Scheduler::Schedule", {
      ScheduleExpression: "cron(30 2 * * ? *)",
      ScheduleExpressionTimezone: "Etc/UTC",
      Target: {
        Arn: { "Fn::GetAtt": [Match.stringLikeRegexp("^ExpiryJobFunction"), "Arn"] },
        RetryPolicy: Match.objectLike({ MaximumRetryAttempts: 2 }),
        Input: JSON.stringify({ time: "<aws.scheduler.scheduled-time>" }),
      },
    });
  });
});

describe("exports job", () => {
  it("runs every minute for Lambda's 15 minutes, with the exports bucket's files and the table", () => {
    full.template.hasResourceProperties("AWS::Scheduler::Schedule", {
      ScheduleExpression: "cron(* * * * ? *)",
      Target: Match.objectLike({
        Arn: { "Fn::GetAtt": [Match.stringLikeRegexp("^ExportsJobFunction"), "Arn"] },
      }),
    });
    full.template.hasResourceProperties("AWS::Lambda::Function", {
      Description: Match.stringLikeRegexp("functions/exports-job\\.ts"),
      Timeout: JOB_FUNCTION_TIMEOUT_SECONDS,
      Environment: {
        Variables: Match.objectLike({ EXPORTS_BUCKET: Match.anyValue(), TABLE_NAME: Match.anyValue() }),
      },
    });
    const actions = actionsOfHandler(full.template, "exports-job");
    for (const action of [
      "s3:PutObject",
      "s3:GetObject",
      "s3:AbortMultipartUpload",
      "dynamodb:Query",
      "dynamodb:UpdateItem",
      "dynamodb:DeleteItem",
    ]) {
      expect(actions, action).toContain(action);
    }
  });
});

describe("alarms", () => {
  function alarmNames(template: Synthesized["template"]): string[] {
    const alarms = template.findResources("AWS::CloudWatch::Alarm") as Resources;
    return Object.values(alarms).map((alarm) => String(alarm.Properties.AlarmName));
  }

  it("go to one SNS topic that requires TLS, on alarm and on recovery", () => {
    dev.template.resourceCountIs("AWS::SNS::Topic", 1);
    const [topicId] = Object.keys(dev.template.findResources("AWS::SNS::Topic"));
    const alarms = dev.template.findResources("AWS::CloudWatch::Alarm") as Resources;
    for (const alarm of Object.values(alarms)) {
      expect(alarm.Properties.AlarmActions).toEqual([{ Ref: topicId }]);
      expect(alarm.Properties.OKActions).toEqual([{ Ref: topicId }]);
    }
  });

  it("watch the API 5xx rate, each function's errors and Lambda throttles", () => {
    const names = alarmNames(dev.template);
    expect(names).toContain("loyalty-wallet-test-api-5xx-rate");
    for (const handler of [...ROUTES.map((r) => r.handler), "cognito-pre-token"]) {
      expect(names).toContain(`loyalty-wallet-test-${handler}-errors`);
    }
    dev.template.hasResourceProperties("AWS::CloudWatch::Alarm", {
      AlarmName: "loyalty-wallet-test-lambda-throttles",
      Namespace: "AWS/Lambda",
      MetricName: "Throttles",
      Dimensions: Match.absent(),
    });
    dev.template.hasResourceProperties("AWS::CloudWatch::Alarm", {
      AlarmName: "loyalty-wallet-test-api-5xx-rate",
      Metrics: Match.arrayWith([
        Match.objectLike({ Expression: Match.stringLikeRegexp("errors / requests") }),
      ]),
    });
  });

  it("watch the failure queue and the iterator age once the stream consumer exists", () => {
    expect(alarmNames(dev.template).filter((n) => /failed-records|iterator-age/.test(n))).toEqual([]);
    const names = alarmNames(full.template);
    expect(names).toContain("loyalty-wallet-test-pass-updates-stream-failed-records");
    expect(names).toContain("loyalty-wallet-test-pass-updates-stream-iterator-age");
    expect(names).toContain("loyalty-wallet-test-expiry-job-errors");
  });

  it("subscribe the alarm email given as context", () => {
    custom.template.hasResourceProperties("AWS::SNS::Subscription", {
      Protocol: "email",
      Endpoint: "ops@example.com",
    });
  });
});

describe("outputs", () => {
  it("give the API URL, the Apple web service URL, the user pool and the scanner client", () => {
    const [apiId] = Object.keys(dev.template.findResources("AWS::ApiGatewayV2::Api"));
    const outputs = dev.template.toJSON().Outputs as Record<string, { Value: unknown }>;
    expect(outputs.ApiUrl?.Value).toEqual({ "Fn::GetAtt": [apiId, "ApiEndpoint"] });
    expect(outputs.WebServiceUrl?.Value).toEqual({
      "Fn::Join": ["", [{ "Fn::GetAtt": [apiId, "ApiEndpoint"] }, "/apple"]],
    });
    expect(outputs.UserPoolId).toBeDefined();
    expect(outputs.ScannerClientId).toBeDefined();
  });
});

describe("declarations", () => {
  it("every route and background module has its needs declared, and every route module exists", () => {
    for (const route of ROUTES) {
      expect(existsSync(handlerEntry(route.handler)), route.handler).toBe(true);
      expect(FUNCTION_NEEDS[route.handler], route.handler).toBeDefined();
    }
    for (const background of BACKGROUND_FUNCTIONS) expect(FUNCTION_NEEDS[background.handler]).toBeDefined();
    expect(existsSync(handlerEntry("cognito-pre-token"))).toBe(true);
  });

  it("rejects an unknown stage", () => {
    expect(() => synthStack({ context: { stage: "staging" } })).toThrow(/stage/);
  });
});

describe("cdk-nag AwsSolutions", () => {
  function acknowledgements(root: IConstruct): { path: string; id: string; reason: string }[] {
    return root.node.findAll().flatMap((construct) =>
      construct.node.metadata
        .filter((entry) => entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
        .flatMap((entry) =>
          Object.entries(entry.data as Record<string, string>).map(([id, reason]) => ({
            path: construct.node.path,
            id,
            reason,
          })),
        ),
    );
  }

  it.each([
    ["dev", () => dev],
    ["prod with background functions and a public route", () => full],
  ])("finds nothing unacknowledged (%s)", (_name, get) => {
    const { app } = get();
    const report = new AwsSolutionsChecks(app, { verbose: true }).validateScope(app);
    expect(
      report.violations.map((v) => `${v.severity} ${v.ruleName}: ${v.violatingResources[0]?.constructPath}`),
    ).toEqual([]);
  });

  it("every acknowledgement says why", () => {
    const acks = acknowledgements(full.app);
    expect(acks.length).toBeGreaterThan(0);
    for (const ack of acks) {
      expect(ack.id, ack.path).toMatch(/AwsSolutions-/);
      expect(ack.reason.trim().length, `${ack.path} ${ack.id}`).toBeGreaterThanOrEqual(40);
    }
  });
});

describe("sign-up policy", () => {
  const configWith = (context: Record<string, unknown>) => readStageConfig(new App({ context }).node);

  it("is invite unless the stack is given signUp=open, and refuses anything else", () => {
    expect(configWith({}).signUp).toBe("invite");
    expect(configWith({ signUp: "invite" }).signUp).toBe("invite");
    expect(configWith({ signUp: "open" }).signUp).toBe("open");
    expect(() => configWith({ signUp: "public" })).toThrow(
      'Context "signUp" must be one of open, invite; got "public"',
    );
    expect(() => configWith({ signUp: true })).toThrow(/"signUp" must be a string/);
  });

  it.each([
    ["invite by default", () => dev, FUNCTION_NEEDS, "invite"],
    ["open when asked", () => custom, CUSTOM_NEEDS, "open"],
  ])(
    "reaches, as SIGN_UP, only the functions that declare signUpPolicy (%s)",
    (_name, get, needs, policy) => {
      const functions = get().template.findResources("AWS::Lambda::Function") as Resources;
      for (const fn of Object.values(functions)) {
        const handler = /functions\/([a-z0-9-]+)\.ts/.exec(String(fn.Properties.Description))?.[1] ?? "";
        const variables = (fn.Properties.Environment as { Variables: Record<string, unknown> }).Variables;
        expect(variables.SIGN_UP, handler).toBe(needs[handler]?.signUpPolicy ? policy : undefined);
      }
    },
  );
});

describe("external coupon issuer", () => {
  it("gives its URL only to the functions that create, redeem and refund coupons, and only when configured", () => {
    const withIssuer = synthStack({
      context: { couponIssuerUrl: "https://shop.example/api/discounts", couponIssuerTimeoutMs: "1500" },
    }).template;
    for (const handler of ["rewards-create", "redemptions-create", "redemptions-refund"]) {
      expect(envOfHandler(withIssuer, handler)).toMatchObject({
        COUPON_ISSUER_URL: "https://shop.example/api/discounts",
        COUPON_ISSUER_TIMEOUT_MS: "1500",
      });
    }
    expect(envOfHandler(withIssuer, "scan-lookup")).not.toHaveProperty("COUPON_ISSUER_URL");
    expect(envOfHandler(synthStack().template, "redemptions-create")).not.toHaveProperty("COUPON_ISSUER_URL");
  });
});
