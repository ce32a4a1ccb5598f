import { PublishCommand, SNSClient } from "@aws-sdk/client-sns";
import { SNS_CONNECT_TIMEOUT_MS, SNS_MAX_ATTEMPTS, SNS_REQUEST_TIMEOUT_MS } from "../budgets.ts";
import { type SdkClientBudget, sdkClientBudget } from "../sdk-client-budget.ts";
import { SmsError, type SmsSender } from "./sms-sender.ts";

export interface SnsSmsOptions {
  region?: string;
  /** Alphanumeric sender id, where the destination country allows one. */
  senderId?: string;
  /** For tests: another endpoint (with test credentials) and shorter timeouts. */
  endpoint?: string;
  budget?: SdkClientBudget;
}

/** A stalled SNS fails the send within sdkCallBudgetMs of these (about 6 s); the request answers 503. */
export const SNS_BUDGET: SdkClientBudget = {
  connectTimeoutMs: SNS_CONNECT_TIMEOUT_MS,
  requestTimeoutMs: SNS_REQUEST_TIMEOUT_MS,
  maxAttempts: SNS_MAX_ATTEMPTS,
};

/** The number cannot take the message: sending it again is pointless. */
const REJECTED = new Set([
  "InvalidParameterException",
  "InvalidParameterValueException",
  "OptedOutException",
]);

/**
 * Text messages through Amazon SNS, sent directly to the number (no topic). Transactional: SNS routes
 * them for reliability rather than price, as a link that expires in a day needs.
 */
export function snsSmsSender(options: SnsSmsOptions = {}): SmsSender {
  const client = new SNSClient({
    ...(options.region ? { region: options.region } : {}),
    ...sdkClientBudget(options.budget ?? SNS_BUDGET),
    ...(options.endpoint
      ? { endpoint: options.endpoint, credentials: { accessKeyId: "test", secretAccessKey: "test" } }
      : {}),
  });
  return {
    async send(sms) {
      try {
        const { MessageId } = await client.send(
          new PublishCommand({
            PhoneNumber: sms.to,
            Message: sms.text,
            MessageAttributes: {
              "AWS.SNS.SMS.SMSType": { DataType: "String", StringValue: "Transactional" },
              ...(options.senderId
                ? { "AWS.SNS.SMS.SenderID": { DataType: "String", StringValue: options.senderId } }
                : {}),
            },
          }),
        );
        return { messageId: MessageId ?? "" };
      } catch (error) {
        const code = (error as { name?: string }).name ?? "Error";
        throw new SmsError(code, REJECTED.has(code));
      }
    },
  };
}
