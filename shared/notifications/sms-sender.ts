import { join } from "node:path";
import { fileSmsSender } from "./file-sms-sender.ts";
import { snsSmsSender } from "./sns-sms-sender.ts";

/** A text message to one phone number (E.164). */
export interface OutgoingSms {
  to: string;
  text: string;
}

/** The one way the code sends a text message; the implementation is chosen at the edge (below). */
export interface SmsSender {
  send(sms: OutgoingSms): Promise<{ messageId: string }>;
}

/**
 * A send that failed. `rejected`: the number cannot receive it (invalid, opted out), so sending again is
 * pointless; anything else (throttling, a timeout) may work on a later try. Carries the provider's error
 * name only: its message can quote the number.
 */
export class SmsError extends Error {
  override readonly name = "SmsError";

  constructor(
    readonly code: string,
    readonly rejected: boolean,
  ) {
    super(`SMS send failed: ${code}`);
  }
}

/**
 * Which sender this deployment has, if any, chosen here and nowhere else:
 * - `SMS_SINK_DIR`, or the local stack (DYNAMODB_ENDPOINT set): each message is written to a file
 *   (`.local/sms/` by default), so local runs and tests see exactly what would be sent;
 * - `SMS_SENDER=sns`: Amazon SNS (the function needs sns:Publish);
 * - otherwise none: the portal then cannot change a phone number (it cannot be verified).
 */
export function smsSenderFromEnv(env: NodeJS.ProcessEnv = process.env): SmsSender | undefined {
  if (env.SMS_SINK_DIR) return fileSmsSender(env.SMS_SINK_DIR);
  if (env.DYNAMODB_ENDPOINT) return fileSmsSender(join(process.cwd(), ".local", "sms"));
  if (env.SMS_SENDER === "sns") {
    return snsSmsSender({
      ...(env.AWS_REGION ? { region: env.AWS_REGION } : {}),
      ...(env.SMS_SENDER_ID ? { senderId: env.SMS_SENDER_ID } : {}),
    });
  }
  return undefined;
}

let cached: { key: string; sender: SmsSender | undefined } | undefined;

/** One sender per container, made again only if the environment that chose it changed (the local stack's tests). */
export function runtimeSmsSender(env: NodeJS.ProcessEnv = process.env): SmsSender | undefined {
  const key = [env.SMS_SINK_DIR, env.DYNAMODB_ENDPOINT, env.SMS_SENDER, env.SMS_SENDER_ID].join("\n");
  if (cached?.key !== key) cached = { key, sender: smsSenderFromEnv(env) };
  return cached.sender;
}
