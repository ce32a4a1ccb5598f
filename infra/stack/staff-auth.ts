import { Duration, Validations } from "aws-cdk-lib";
import { HttpUserPoolAuthorizer } from "aws-cdk-lib/aws-apigatewayv2-authorizers";
import * as cognito from "aws-cdk-lib/aws-cognito";
import type * as lambda from "aws-cdk-lib/aws-lambda";
import { Construct } from "constructs";
import { INVITATION_MESSAGE } from "../../shared/auth/invitation-message.ts";
import type { Role } from "../../shared/model.ts";
import type { StageSettings } from "./stage-config.ts";

/** Cognito groups mirror the roles; the staff record in the table stays the authority on what a role may do. */
const GROUPS: Readonly<Record<Role, { precedence: number; description: string }>> = {
  owner: { precedence: 0, description: "Merchant owners: everything, including staff and programs" },
  manager: { precedence: 1, description: "Store managers: scanner actions plus adjustments and refunds" },
  staff: { precedence: 2, description: "Scanner users: look up customers, issue and redeem points" },
};

export interface StaffAuthProps {
  settings: StageSettings;
  /** Copies custom:merchant_id/custom:staff_id into the access token (functions/cognito-pre-token.ts). */
  preTokenGeneration: lambda.IFunction;
}

/** Staff sign-in for the scanner apps, and the JWT authorizer that checks their access tokens. */
export class StaffAuth extends Construct {
  readonly userPool: cognito.UserPool;
  readonly scannerClient: cognito.UserPoolClient;
  readonly authorizer: HttpUserPoolAuthorizer;

  constructor(scope: Construct, id: string, props: StaffAuthProps) {
    super(scope, id);

    this.userPool = new cognito.UserPool(this, "UserPool", {
      // Owners invite their staff, and the operator command or POST /v1/signup invites an owner
      // (AdminCreateUser): the only moment the ids can be set, so nobody signs up to the pool directly.
      selfSignUpEnabled: false,
      // The text the local user pool sends too (infra/local/), so an invitation reads the same everywhere.
      userInvitation: {
        emailSubject: INVITATION_MESSAGE.subject,
        emailBody: INVITATION_MESSAGE.body,
      },
      signInAliases: { email: true },
      signInCaseSensitive: false,
      autoVerify: { email: true },
      accountRecovery: cognito.AccountRecovery.EMAIL_ONLY,
      passwordPolicy: {
        minLength: 12,
        requireLowercase: true,
        requireUppercase: true,
        requireDigits: true,
        requireSymbols: true,
        // INVITATION_MESSAGE tells the invitee so.
        tempPasswordValidity: Duration.days(3),
      },
      mfa: cognito.Mfa.OPTIONAL,
      mfaSecondFactor: { otp: true, sms: false },
      // Plus: access-token customization needs Essentials at least; Plus adds threat protection,
      // which blocks sign-ins with leaked credentials or from unusual places.
      featurePlan: cognito.FeaturePlan.PLUS,
      standardThreatProtectionMode: cognito.StandardThreatProtectionMode.FULL_FUNCTION,
      customAttributes: {
        merchant_id: new cognito.StringAttribute({ minLen: 1, maxLen: 64, mutable: false }),
        staff_id: new cognito.StringAttribute({ minLen: 1, maxLen: 64, mutable: false }),
      },
      deletionProtection: props.settings.deletionProtection,
      removalPolicy: props.settings.removalPolicy,
    });
    this.userPool.addTrigger(
      cognito.UserPoolOperation.PRE_TOKEN_GENERATION_CONFIG,
      props.preTokenGeneration,
      // V2 is the version that can add claims to the access token, the token the API accepts.
      cognito.LambdaVersion.V2_0,
    );

    for (const [groupName, group] of Object.entries(GROUPS)) {
      this.userPool.addGroup(`Group-${groupName}`, { groupName, ...group });
    }

    this.scannerClient = this.userPool.addClient("ScannerClient", {
      userPoolClientName: "scanner",
      // A native app cannot keep a secret, so it has none. SRP keeps the password off the wire; plain
      // USER_PASSWORD_AUTH is allowed too so that one sign-in call works against AWS and the local pool
      // (cognito-local has no SRP): the password then travels only inside TLS to Cognito, Plus threat
      // protection still blocks leaked credentials and unusual sign-ins, and the password policy applies.
      generateSecret: false,
      authFlows: { userSrp: true, userPassword: true },
      disableOAuth: true,
      // Short-lived access tokens, renewed silently with the refresh token; the API re-reads the staff
      // record per request, so a deactivated member is locked out at once regardless.
      accessTokenValidity: Duration.minutes(15),
      idTokenValidity: Duration.minutes(15),
      // A counter scanner should not ask for a password every morning; sign-out revokes it.
      refreshTokenValidity: Duration.days(30),
      enableTokenRevocation: true,
      preventUserExistenceErrors: true,
      // The ids are set by the owner's invitation; nobody edits them, not even with their own token.
      writeAttributes: new cognito.ClientAttributes().withStandardAttributes({ fullname: true }),
    });

    this.authorizer = new HttpUserPoolAuthorizer("StaffAuthorizer", this.userPool, {
      userPoolClients: [this.scannerClient],
      identitySource: ["$request.header.Authorization"],
    });

    Validations.of(this.userPool).acknowledge({
      id: "AwsSolutions-COG2",
      reason:
        "MFA is optional: scanner accounts sign in on shared shop-floor devices where a personal TOTP app is impractical. Owners and managers can enrol TOTP, and Plus threat protection (enforced) challenges or blocks risky sign-ins.",
    });
  }
}
