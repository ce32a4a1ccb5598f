import { RemovalPolicy } from "aws-cdk-lib";
import { RetentionDays } from "aws-cdk-lib/aws-logs";
import type { Node } from "constructs";
import { COUPON_ISSUER_MAX_TIMEOUT_MS } from "../../shared/budgets.ts";
import type { SignUpPolicy } from "../../shared/merchants/signup.ts";

export type Stage = "dev" | "prod";

/** Secrets the code may read; each function lists the ones it needs in its `needs` (infra/routes.ts, or function-needs.ts for background functions). */
export type SecretKey = "passCertificates" | "apnsKey" | "googleServiceAccount" | "passLinkKey";

/**
 * What passes/wallet-config.ts reads besides secrets. A wallet whose settings are absent is off: the
 * Apple routes answer 404 and the stream handler skips it, so a stack deploys before wallets exist.
 */
export interface WalletSettings {
  appleTeamId?: string;
  applePassTypeId?: string;
  googleIssuerId?: string;
  /** Google fetches the class logo itself, so it must be a public URL. */
  googleProgramLogoUrl?: string;
  /** Comma-separated web origins allowed to show "Save to Google Wallet". */
  googleSaveOrigins?: string;
  /** IANA zone the pass's dates are shown in. */
  passTimeZone?: string;
  /** Custom domain in front of the API; defaults to the API's own endpoint. */
  apiBaseUrl?: string;
}

export interface StageConfig {
  stage: Stage;
  /**
   * Names in Secrets Manager; the values never pass through CDK or the template. The APNs key has
   * no default: without one, pushes authenticate with the pass certificate.
   */
  secretNames: Partial<Record<SecretKey, string>>;
  wallet: WalletSettings;
  /** The external discount-code API; absent means rewards can only use the internal issuer. */
  couponIssuer: { url?: string; timeoutMs?: string };
  /** Needed only once a function declares `email`; synth fails then without it. */
  sesIdentityArn?: string;
  /**
   * `-c smsSender=sns` lets functions that declare `sms` send text messages through Amazon SNS (the account
   * must have left the SNS SMS sandbox, with a spend limit); absent, they send none.
   */
  smsSender?: "sns";
  /** Subscribed to the alarm topic when given. */
  alarmEmail?: string;
  /**
   * `-c signUp=open` lets anyone sign a merchant up (POST /v1/signup); the default, `invite`, leaves it to
   * the operator (`npm run merchant:create`).
   */
  signUp: SignUpPolicy;
}

/** What differs between stages, decided in one place. */
export interface StageSettings {
  removalPolicy: RemovalPolicy;
  deletionProtection: boolean;
  logRetention: RetentionDays;
  logLevel: "DEBUG" | "INFO";
}

const STAGES: readonly Stage[] = ["dev", "prod"];
const SIGN_UP_POLICIES: readonly SignUpPolicy[] = ["open", "invite"];

function optionalString(node: Node, key: string): string | undefined {
  const value: unknown = node.tryGetContext(key);
  if (value === undefined || value === null || value === "") return undefined;
  if (typeof value !== "string") throw new Error(`Context "${key}" must be a string`);
  return value;
}

/**
 * The coupon issuer's timeout is waited for inside API requests (twice for a refund): a longer one would
 * outlast the function timeout that shared/budgets.ts derives, so synth refuses it.
 */
function couponIssuerTimeoutMs(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const ms = Number(value);
  if (!Number.isSafeInteger(ms) || ms <= 0 || ms > COUPON_ISSUER_MAX_TIMEOUT_MS) {
    throw new Error(
      `Context "couponIssuerTimeoutMs" must be a whole number of milliseconds from 1 to ${COUPON_ISSUER_MAX_TIMEOUT_MS}; got "${value}"`,
    );
  }
  return value;
}

/** Only the keys that have a value, so an absent setting stays absent in the environment. */
function defined<T extends object>(values: T): Partial<T> {
  return Object.fromEntries(Object.entries(values).filter(([, value]) => value !== undefined)) as Partial<T>;
}

/** Reads `-c stage=…` and friends; unknown stages fail synth rather than deploy something half-configured. */
export function readStageConfig(node: Node): StageConfig {
  const stage = optionalString(node, "stage") ?? "dev";
  if (!STAGES.includes(stage as Stage)) {
    throw new Error(`Context "stage" must be one of ${STAGES.join(", ")}; got "${stage}"`);
  }
  const prefix = `loyalty-wallet/${stage}`;
  const context = (key: string) => optionalString(node, key);
  return {
    stage: stage as Stage,
    secretNames: defined({
      passCertificates: context("passCertificatesSecretName") ?? `${prefix}/apple-pass-certificates`,
      apnsKey: context("apnsKeySecretName"),
      googleServiceAccount: context("googleServiceAccountSecretName") ?? `${prefix}/google-service-account`,
      passLinkKey: context("passLinkKeySecretName") ?? `${prefix}/pass-link-key`,
    }),
    wallet: defined({
      appleTeamId: context("appleTeamId"),
      applePassTypeId: context("applePassTypeId"),
      googleIssuerId: context("googleIssuerId"),
      googleProgramLogoUrl: context("googleProgramLogoUrl"),
      googleSaveOrigins: context("googleSaveOrigins"),
      passTimeZone: context("passTimeZone"),
      apiBaseUrl: context("apiBaseUrl"),
    }),
    ...defined({ sesIdentityArn: context("sesIdentityArn"), alarmEmail: context("alarmEmail") }),
    ...(smsSender(context("smsSender")) ? { smsSender: "sns" as const } : {}),
    signUp: signUpPolicy(context("signUp")),
    couponIssuer: defined({
      url: context("couponIssuerUrl"),
      timeoutMs: couponIssuerTimeoutMs(context("couponIssuerTimeoutMs")),
    }),
  };
}

function smsSender(value: string | undefined): boolean {
  if (value === undefined || value === "") return false;
  if (value !== "sns") throw new Error(`Context "smsSender" can only be "sns"; got "${value}"`);
  return true;
}

/** Closed unless asked: an open sign-up is a public route that creates merchants and sends e-mail. */
function signUpPolicy(value: string | undefined): SignUpPolicy {
  if (value === undefined) return "invite";
  if (!SIGN_UP_POLICIES.includes(value as SignUpPolicy)) {
    throw new Error(`Context "signUp" must be one of ${SIGN_UP_POLICIES.join(", ")}; got "${value}"`);
  }
  return value as SignUpPolicy;
}

export function stageSettings(stage: Stage): StageSettings {
  if (stage === "prod") {
    return {
      removalPolicy: RemovalPolicy.RETAIN,
      deletionProtection: true,
      // Points expire on a yearly cycle, so a dispute ("where did my points go?") can reach back a year.
      logRetention: RetentionDays.ONE_YEAR,
      logLevel: "INFO",
    };
  }
  return {
    removalPolicy: RemovalPolicy.DESTROY,
    deletionProtection: false,
    // Long enough to look into last sprint's bug, short enough that test noise costs nothing.
    logRetention: RetentionDays.ONE_MONTH,
    logLevel: "DEBUG",
  };
}
