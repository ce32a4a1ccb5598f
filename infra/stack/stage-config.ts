import { RemovalPolicy } from "aws-cdk-lib";
import { RetentionDays } from "aws-cdk-lib/aws-logs";
import type { Node } from "constructs";

export type Stage = "dev" | "prod";

/** Secrets the code may read; each function lists the ones it needs in function-needs.ts. */
export type SecretKey = "passCertificates" | "apnsKey" | "googleServiceAccount";

export interface StageConfig {
  stage: Stage;
  /** Names in Secrets Manager; the values never pass through CDK or the template. */
  secretNames: Record<SecretKey, string>;
  /** Needed only once a function declares `email`; synth fails then without it. */
  sesIdentityArn?: string;
  /** Subscribed to the alarm topic when given. */
  alarmEmail?: string;
}

/** What differs between stages, decided in one place. */
export interface StageSettings {
  removalPolicy: RemovalPolicy;
  deletionProtection: boolean;
  logRetention: RetentionDays;
  logLevel: "DEBUG" | "INFO";
}

const STAGES: readonly Stage[] = ["dev", "prod"];

function optionalString(node: Node, key: string): string | undefined {
  const value: unknown = node.tryGetContext(key);
  if (value === undefined || value === null || value === "") return undefined;
  if (typeof value !== "string") throw new Error(`Context "${key}" must be a string`);
  return value;
}

/** Reads `-c stage=…` and friends; unknown stages fail synth rather than deploy something half-configured. */
export function readStageConfig(node: Node): StageConfig {
  const stage = optionalString(node, "stage") ?? "dev";
  if (!STAGES.includes(stage as Stage)) {
    throw new Error(`Context "stage" must be one of ${STAGES.join(", ")}; got "${stage}"`);
  }
  const prefix = `loyalty-wallet/${stage}`;
  return {
    stage: stage as Stage,
    secretNames: {
      passCertificates:
        optionalString(node, "passCertificatesSecretName") ?? `${prefix}/apple-pass-certificates`,
      apnsKey: optionalString(node, "apnsKeySecretName") ?? `${prefix}/apns-key`,
      googleServiceAccount:
        optionalString(node, "googleServiceAccountSecretName") ?? `${prefix}/google-service-account`,
    },
    sesIdentityArn: optionalString(node, "sesIdentityArn"),
    alarmEmail: optionalString(node, "alarmEmail"),
  };
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
