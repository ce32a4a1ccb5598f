import type * as cognito from "aws-cdk-lib/aws-cognito";
import type * as dynamodb from "aws-cdk-lib/aws-dynamodb";
import * as iam from "aws-cdk-lib/aws-iam";
import * as secretsmanager from "aws-cdk-lib/aws-secretsmanager";
import { Construct } from "constructs";
import { TABLE } from "../../shared/db/table-definition.ts";
import type { AppFunction } from "./app-function.ts";
import type { FunctionNeeds } from "./function-needs.ts";
import type { SecretKey } from "./stage-config.ts";

// TransactGetItems is authorized as GetItem per item, so these cover every read the code does.
export const TABLE_READ_ACTIONS = ["dynamodb:GetItem", "dynamodb:BatchGetItem", "dynamodb:Query"] as const;
// TransactWriteItems is authorized per item as the Put, Update or ConditionCheck it contains.
export const TABLE_WRITE_ACTIONS = [
  "dynamodb:PutItem",
  "dynamodb:UpdateItem",
  "dynamodb:ConditionCheckItem",
] as const;
export const TABLE_DELETE_ACTIONS = ["dynamodb:DeleteItem"] as const;
// What an owner's staff screen does to sign-ins: invite, (de)activate, change role, end sessions.
export const STAFF_SIGN_IN_ACTIONS = [
  "cognito-idp:AdminCreateUser",
  "cognito-idp:AdminGetUser",
  "cognito-idp:AdminDisableUser",
  "cognito-idp:AdminEnableUser",
  "cognito-idp:AdminAddUserToGroup",
  "cognito-idp:AdminRemoveUserFromGroup",
  "cognito-idp:AdminUserGlobalSignOut",
] as const;

/** The environment variable that carries each secret's name, next to the grant that makes it readable. */
export const SECRET_ENV: Readonly<Record<SecretKey, string>> = {
  passCertificates: "PASS_CERTIFICATES_SECRET_ID",
  apnsKey: "APNS_KEY_SECRET_ID",
  googleServiceAccount: "GOOGLE_SERVICE_ACCOUNT_SECRET_ID",
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
    private readonly names: Readonly<Record<SecretKey, string>>,
  ) {
    super(scope, id);
  }

  name(key: SecretKey): string {
    return this.names[key];
  }

  get(key: SecretKey): secretsmanager.ISecret {
    let ref = this.refs.get(key);
    if (!ref) {
      ref = secretsmanager.Secret.fromSecretNameV2(this, key, this.names[key]);
      this.refs.set(key, ref);
    }
    return ref;
  }
}

export interface GrantTargets {
  table: dynamodb.ITable;
  secrets: SecretReferences;
  sesIdentityArn?: string;
  /** Absent while the pool's own trigger is being created. */
  userPool?: cognito.IUserPool;
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
    if (needs.table === "readWrite") {
      role.addToPolicy(
        new iam.PolicyStatement({
          sid: "TableWrite",
          actions: [...TABLE_WRITE_ACTIONS],
          resources: [tableArn],
        }),
      );
    }
    fn.addEnvironment("TABLE_NAME", targets.table.tableName);
  }

  for (const key of needs.secrets ?? []) {
    targets.secrets.get(key).grantRead(role);
    fn.addEnvironment(SECRET_ENV[key], targets.secrets.name(key));
  }

  if (needs.email) {
    if (!targets.sesIdentityArn) {
      throw new Error(
        `functions/${handlerName}.ts declares email; pass the SES identity with -c sesIdentityArn=arn:aws:ses:…:identity/…`,
      );
    }
    role.addToPolicy(
      new iam.PolicyStatement({
        sid: "SendEmail",
        actions: ["ses:SendEmail"],
        resources: [targets.sesIdentityArn],
      }),
    );
    fn.addEnvironment("SES_IDENTITY_ARN", targets.sesIdentityArn);
  }

  if (needs.staffSignIns) {
    if (!targets.userPool) {
      throw new Error(
        `functions/${handlerName}.ts declares staffSignIns but is created before the user pool`,
      );
    }
    role.addToPolicy(
      new iam.PolicyStatement({
        sid: "StaffSignIns",
        actions: [...STAFF_SIGN_IN_ACTIONS],
        resources: [targets.userPool.userPoolArn],
      }),
    );
    fn.addEnvironment("USER_POOL_ID", targets.userPool.userPoolId);
  }
}
