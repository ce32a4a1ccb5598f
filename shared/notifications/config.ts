/**
 * Where notifications are sent from: read from the environment once per container (Lambda's
 * configuration on AWS, infra/local/notifications.ts locally). Email is off when no sender address can
 * be found, so a deployment without SES still delivers to the wallet.
 */

export interface EmailConfig {
  /** The address in From; the merchant's name is put in front of it. */
  fromAddress: string;
  /** The SES identity allowed to send (the CDK grant's resource); SES checks From against it. */
  identityArn?: string;
  configurationSet?: string;
  /** The local mail sink; absent on AWS. */
  endpoint?: string;
  region?: string;
  /** SDK tries per email; the stream's redelivery retries beyond that. */
  maxAttempts?: number;
}

export interface NotificationConfig {
  email?: EmailConfig;
}

/** `arn:aws:ses:…:identity/example.com` sends as no-reply@example.com; an address identity as itself. */
function fromIdentity(identityArn: string | undefined): string | undefined {
  const identity = identityArn ? /:identity\/(.+)$/.exec(identityArn)?.[1] : undefined;
  if (!identity) return undefined;
  return identity.includes("@") ? identity : `no-reply@${identity}`;
}

export function readNotificationConfig(env: NodeJS.ProcessEnv = process.env): NotificationConfig {
  const identityArn = env.SES_IDENTITY_ARN || undefined;
  const fromAddress = env.SES_FROM_ADDRESS || fromIdentity(identityArn);
  if (!fromAddress) return {};
  const maxAttempts = Number(env.SES_MAX_ATTEMPTS);
  return {
    email: {
      fromAddress,
      ...(identityArn ? { identityArn } : {}),
      ...(env.SES_CONFIGURATION_SET ? { configurationSet: env.SES_CONFIGURATION_SET } : {}),
      ...(env.SES_ENDPOINT ? { endpoint: env.SES_ENDPOINT } : {}),
      ...(env.AWS_REGION ? { region: env.AWS_REGION } : {}),
      ...(Number.isInteger(maxAttempts) && maxAttempts > 0 ? { maxAttempts } : {}),
    },
  };
}

let cached: NotificationConfig | undefined;

/** Read on first use, then kept for the life of the container. */
export function notificationConfig(): NotificationConfig {
  cached ??= readNotificationConfig();
  return cached;
}

/** For the local stack and tests, which set the environment after starting the mail sink. */
export function resetNotificationConfig(): void {
  cached = undefined;
}
