import { Annotations, type CfnResource, Names, Stack, Validations } from "aws-cdk-lib";
import type * as cognito from "aws-cdk-lib/aws-cognito";
import type * as dynamodb from "aws-cdk-lib/aws-dynamodb";
import * as iam from "aws-cdk-lib/aws-iam";
import type * as s3 from "aws-cdk-lib/aws-s3";
import * as secretsmanager from "aws-cdk-lib/aws-secretsmanager";
import { Construct } from "constructs";
import {
  KMS_APP_TAG,
  KMS_DELETION_WINDOW_DAYS,
  KMS_KEY_SPEC,
  KMS_KEY_USAGE,
  KMS_TAG_KEYS,
} from "../../shared/keys/kms-key-settings.ts";
import type { SignUpPolicy } from "../../shared/merchants/signup.ts";
import { TABLE } from "../../shared/store/db/table-definition.ts";
import type { AppFunction } from "./app-function.ts";
import type { FunctionNeeds } from "./function-needs.ts";
import type { SecretKey, WalletSettings } from "./stage-config.ts";

// TransactGetItems is authorized as GetItem per item, so these cover every read the code does.
export const TABLE_READ_ACTIONS = ["dynamodb:GetItem", "dynamodb:BatchGetItem", "dynamodb:Query"] as const;
// TransactWriteItems is authorized per item as the Put, Update or ConditionCheck it contains.
export const TABLE_WRITE_ACTIONS = [
  "dynamodb:PutItem",
  "dynamodb:UpdateItem",
  "dynamodb:ConditionCheckItem",
] as const;
export const TABLE_DELETE_ACTIONS = ["dynamodb:DeleteItem"] as const;
/** What shared/keys/kms-key-backend.ts calls: make a key (tagged at creation), use it, retire it. */
export const SIGNING_KEY_CREATE_ACTIONS = ["kms:CreateKey", "kms:TagResource"] as const;
export const SIGNING_KEY_USE_ACTIONS = ["kms:Sign", "kms:GetPublicKey"] as const;
export const SIGNING_KEY_RETIRE_ACTIONS = ["kms:ScheduleKeyDeletion"] as const;

/** The variables passes/wallet-config.ts reads each secret's name from. */
export const SECRET_ENV: Readonly<Record<SecretKey, string>> = {
  passCertificates: "PASS_CERTIFICATES_SECRET_ID",
  apnsKey: "APNS_KEY_SECRET_ID",
  googleServiceAccount: "GOOGLE_SERVICE_ACCOUNT_SECRET_ID",
  passLinkKey: "PASS_LINK_KEY_SECRET_ID",
};

const WALLET_ENV: Readonly<Record<Exclude<keyof WalletSettings, "apiBaseUrl">, string>> = {
  appleTeamId: "APPLE_TEAM_ID",
  applePassTypeId: "APPLE_PASS_TYPE_ID",
  googleIssuerId: "GOOGLE_ISSUER_ID",
  googleProgramLogoUrl: "GOOGLE_PROGRAM_LOGO_URL",
  googleSaveOrigins: "GOOGLE_SAVE_ORIGINS",
  passTimeZone: "PASS_TIME_ZONE",
};

/**
 * Secrets referenced by name: the template carries only their ARN pattern, never a value, and the
 * reference is made only when some function needs it.
 */
export class SecretReferences extends Construct {
  private readonly refs = new Map<SecretKey, secretsmanager.ISecret>();

  constructor(
    scope: Construct,
    id: string,
    private readonly names: Readonly<Partial<Record<SecretKey, string>>>,
  ) {
    super(scope, id);
  }

  /** The configured name, or undefined for an optional secret this deployment does without. */
  name(key: SecretKey): string | undefined {
    return this.names[key];
  }

  get(key: SecretKey, name: string): secretsmanager.ISecret {
    let ref = this.refs.get(key);
    if (!ref) {
      ref = secretsmanager.Secret.fromSecretNameV2(this, key, name);
      this.refs.set(key, ref);
    }
    return ref;
  }
}

export interface GrantTargets {
  table: dynamodb.ITable;
  secrets: SecretReferences;
  wallet: WalletSettings;
  /** The API's public base URL; set once the API exists, before any wallet function is made. */
  apiBaseUrl?: string;
  sesIdentityArn?: string;
  smsSender?: "sns";
  couponIssuer?: { url?: string; timeoutMs?: string };
  /** The exports bucket (exports-bucket.ts). */
  exportsBucket?: s3.IBucket;
  /** Absent while the pool's own trigger is being created. */
  userPool?: cognito.IUserPool;
  /** The app client scanner apps sign in with; absent, like the pool, until it exists. */
  scannerClient?: cognito.IUserPoolClient;
  signUp: SignUpPolicy;
}

/** The IAM actions of declared sign-in actions: each once, sorted, so the policy reads the same however listed. */
export function signInIamActions(actions: readonly string[]): string[] {
  return [...new Set(actions)].sort().map((action) => `cognito-idp:${action}`);
}

/** Turns a function's declared needs into IAM statements and the environment variables that go with them. */
export function grantNeeds(target: AppFunction, needs: FunctionNeeds, targets: GrantTargets): void {
  const { fn, role, handlerName } = target;

  if (needs.table !== "none") {
    const tableArn = targets.table.tableArn;
    role.addToPolicy(
      new iam.PolicyStatement({
        sid: "TableRead",
        actions: [...TABLE_READ_ACTIONS],
        // Named indexes rather than index/*: a new index is a new grant, not a silent one.
        resources: [tableArn, ...TABLE.indexes.map((index) => `${tableArn}/index/${index.name}`)],
      }),
    );
    if (needs.table === "readWrite" || needs.table === "readWriteDelete") {
      const actions = [
        ...TABLE_WRITE_ACTIONS,
        ...(needs.table === "readWriteDelete" ? TABLE_DELETE_ACTIONS : []),
      ];
      role.addToPolicy(new iam.PolicyStatement({ sid: "TableWrite", actions, resources: [tableArn] }));
    }
    fn.addEnvironment("TABLE_NAME", targets.table.tableName);
  }

  if (needs.wallet) {
    if (!targets.apiBaseUrl) {
      throw new Error(`functions/${handlerName}.ts declares wallet but is created before the API`);
    }
    // Every secret's name, read or not: wallet-config.ts switches a wallet on only when all its pieces are named.
    for (const [key, variable] of Object.entries(SECRET_ENV) as [SecretKey, string][]) {
      const name = targets.secrets.name(key);
      if (name) fn.addEnvironment(variable, name);
    }
    for (const [key, variable] of Object.entries(WALLET_ENV) as [keyof typeof WALLET_ENV, string][]) {
      const value = targets.wallet[key];
      if (value) fn.addEnvironment(variable, value);
    }
    fn.addEnvironment("API_BASE_URL", targets.apiBaseUrl);
  }

  for (const key of needs.secrets ?? []) {
    const name = targets.secrets.name(key);
    // An optional secret left unconfigured (the APNs key: pushes then use the pass certificate).
    if (!name) continue;
    targets.secrets.get(key, name).grantRead(role);
    fn.addEnvironment(SECRET_ENV[key], name);
  }

  if (needs.email && !targets.sesIdentityArn) {
    // Email is one channel among others: without an identity the function sends none (the wallet still
    // works), and synth says so rather than failing, so `npm run synth` works with no context at all.
    Annotations.of(fn).addWarningV2(
      "loyalty-wallet:no-ses-identity",
      `functions/${handlerName}.ts sends no email: pass the SES identity with -c sesIdentityArn=arn:aws:ses:…:identity/…`,
    );
  } else if (needs.email && targets.sesIdentityArn) {
    role.addToPolicy(
      new iam.PolicyStatement({
        sid: "SendEmail",
        actions: ["ses:SendEmail"],
        resources: [targets.sesIdentityArn],
      }),
    );
    fn.addEnvironment("SES_IDENTITY_ARN", targets.sesIdentityArn);
  }

  if (needs.sms && targets.smsSender === "sns") {
    role.addToPolicy(
      new iam.PolicyStatement({
        sid: "SendTextMessages",
        actions: ["sns:Publish"],
        // A text sent straight to a phone number has no topic, hence no resource ARN to name…
        resources: ["*"],
      }),
    );
    role.addToPolicy(
      new iam.PolicyStatement({
        sid: "NoTopicPublishing",
        effect: iam.Effect.DENY,
        actions: ["sns:Publish"],
        // …so every topic is denied: the grant reaches phone numbers only.
        resources: ["arn:aws:sns:*:*:*"],
      }),
    );
    fn.addEnvironment("SMS_SENDER", "sns");
  }

  if (needs.couponIssuer && targets.couponIssuer?.url) {
    // Only the URL: the shop's API is called over HTTPS from the function, no AWS permission involved.
    fn.addEnvironment("COUPON_ISSUER_URL", targets.couponIssuer.url);
    if (targets.couponIssuer.timeoutMs)
      fn.addEnvironment("COUPON_ISSUER_TIMEOUT_MS", targets.couponIssuer.timeoutMs);
  }

  if (needs.staffSignIns && needs.staffSignIns.length > 0) {
    if (!targets.userPool) {
      throw new Error(
        `functions/${handlerName}.ts declares staffSignIns but is created before the user pool`,
      );
    }
    role.addToPolicy(
      new iam.PolicyStatement({
        sid: "StaffSignIns",
        actions: signInIamActions(needs.staffSignIns),
        resources: [targets.userPool.userPoolArn],
      }),
    );
    fn.addEnvironment("USER_POOL_ID", targets.userPool.userPoolId);
  }

  if (needs.scannerClient) {
    if (!targets.scannerClient) {
      throw new Error(
        `functions/${handlerName}.ts declares scannerClient but is created before the user pool`,
      );
    }
    // The region is Lambda's own AWS_REGION: the pool is in the stack's region.
    fn.addEnvironment("USER_POOL_CLIENT_ID", targets.scannerClient.userPoolClientId);
  }

  if (needs.signUpPolicy) fn.addEnvironment("SIGN_UP", targets.signUp);

  if (needs.exportFiles) {
    if (!targets.exportsBucket)
      throw new Error(`functions/${handlerName}.ts declares exportFiles but no bucket exists`);
    // Objects under exports/ only: put (multipart included), read back (records, presigned GETs), abort.
    role.addToPolicy(
      new iam.PolicyStatement({
        sid: "ExportFiles",
        actions: ["s3:PutObject", "s3:GetObject", "s3:AbortMultipartUpload"],
        resources: [targets.exportsBucket.arnForObjects("exports/*")],
      }),
    );
    fn.addEnvironment("EXPORTS_BUCKET", targets.exportsBucket.bucketName);
    const reason =
      "Export files are named at run time (exports/<merchant>/<export id>), so the grant covers the exports/ prefix of the one exports bucket and nothing else.";
    // cdk-nag names the finding by the bucket's ARN as the role's stack sees it: a nested stack's parameter,
    // or the root's own attribute.
    const bucket = targets.exportsBucket;
    const logicalId = Stack.of(bucket).resolve((bucket.node.defaultChild as CfnResource).logicalId);
    Validations.of(role).acknowledge(
      {
        id: `AwsSolutions-IAM5[Resource::<referenceto${Names.uniqueId(bucket.node.defaultChild as CfnResource)}Arn>/exports/*]`,
        reason,
      },
      { id: `AwsSolutions-IAM5[Resource::<${logicalId}.Arn>/exports/*]`, reason },
    );
  }

  if (needs.signingKeys) {
    if (needs.table !== "readWrite" && needs.table !== "readWriteDelete") {
      throw new Error(
        `functions/${handlerName}.ts declares signingKeys: making a key writes the key ring (readWrite)`,
      );
    }
    grantSigningKeys(target);
  }
}

/**
 * The merchants' KMS signing keys are made at run time, one per merchant and purpose, so no grant can
 * name them: the functions may create only Ed25519 signing keys carrying the app's tag, and use or retire
 * only keys that carry it. No environment variable: off the local stack, the key backend is always KMS.
 */
function grantSigningKeys({ role }: AppFunction): void {
  const appTag = { [`aws:RequestTag/${KMS_APP_TAG.key}`]: KMS_APP_TAG.value };
  const onlyOurTags = { "ForAllValues:StringEquals": { "aws:TagKeys": [...KMS_TAG_KEYS] } };
  const [createKey, tagResource] = SIGNING_KEY_CREATE_ACTIONS;
  role.addToPolicy(
    new iam.PolicyStatement({
      sid: "SigningKeyCreate",
      actions: [createKey],
      // CreateKey has no resource-level permissions: the conditions are the scope.
      resources: ["*"],
      conditions: {
        StringEquals: { ...appTag, "kms:KeySpec": KMS_KEY_SPEC, "kms:KeyUsage": KMS_KEY_USAGE },
        ...onlyOurTags,
      },
    }),
  );
  role.addToPolicy(
    new iam.PolicyStatement({
      sid: "SigningKeyTag",
      actions: [tagResource],
      // KMS checks tags given to CreateKey against a grant not limited to particular keys.
      resources: ["*"],
      conditions: { StringEquals: appTag, ...onlyOurTags },
    }),
  );
  const keys = Stack.of(role).formatArn({ service: "kms", resource: "key", resourceName: "*" });
  // The key spec too: a key tagged as ours by mistake (or on purpose) is still out of reach unless it is
  // an Ed25519 key, which nothing else of ours makes.
  const ourKeys = {
    [`aws:ResourceTag/${KMS_APP_TAG.key}`]: KMS_APP_TAG.value,
    "kms:KeySpec": KMS_KEY_SPEC,
  };
  role.addToPolicy(
    new iam.PolicyStatement({
      sid: "SigningKeyUse",
      actions: [...SIGNING_KEY_USE_ACTIONS],
      resources: [keys],
      conditions: { StringEquals: ourKeys },
    }),
  );
  role.addToPolicy(
    new iam.PolicyStatement({
      sid: "SigningKeyRetire",
      actions: [...SIGNING_KEY_RETIRE_ACTIONS],
      resources: [keys],
      // Never a shorter wait than the code asks for: a key retired by mistake can be rescued for a month.
      conditions: {
        StringEquals: ourKeys,
        NumericGreaterThanEquals: { "kms:ScheduleKeyDeletionPendingWindowInDays": KMS_DELETION_WINDOW_DAYS },
      },
    }),
  );
  Validations.of(role).acknowledge(
    {
      id: "AwsSolutions-IAM5[Resource::*]",
      reason:
        "kms:CreateKey has no resource-level permissions and kms:TagResource at key creation needs a grant not limited to keys; both are conditioned on the request's tags (app=loyalty-wallet, only our tag keys) and CreateKey on the Ed25519 SIGN_VERIFY key spec.",
    },
    {
      id: "AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:kms:<AWS::Region>:<AWS::AccountId>:key/*]",
      reason:
        "Signing keys are created at run time, one per merchant and purpose, so none can be named at deploy; Sign, GetPublicKey and ScheduleKeyDeletion apply only to Ed25519 keys tagged app=loyalty-wallet.",
    },
  );
}
