import { BatchProcessor, EventType, processPartialResponse } from "@aws-lambda-powertools/batch";
import { injectLambdaContext } from "@aws-lambda-powertools/logger/middleware";
import middy from "@middy/core";
import type { Context, DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from "aws-lambda";
import { walletLinks } from "../passes/download-links.ts";
import { addGooglePassMessage } from "../passes/pass-messages.ts";
import { walletRuntime } from "../passes/wallet-runtime.ts";
import { logger } from "../shared/logger.ts";
import { notificationConfig } from "../shared/notifications/config.ts";
import { deliverNotification, type NotificationDeps } from "../shared/notifications/deliver.ts";
import { sesMailer } from "../shared/notifications/mailer.ts";
import { notificationsOfRecord } from "../shared/notifications/stream.ts";
import { memberPortalUrl } from "../shared/portal/access.ts";
import { memberUnsubscribeUrl } from "../shared/portal/unsubscribe-token.ts";
import { runtimeDeps } from "../shared/runtime.ts";

/** The table, SES and Google Wallet as this deployment has them; each built once per container. */
function notificationDeps(): NotificationDeps {
  const base = runtimeDeps();
  const { email } = notificationConfig();
  const google = walletRuntime()?.google;
  // Set for this function on AWS (its `wallet` need) and by the local stack.
  const apiBaseUrl = process.env.API_BASE_URL;
  return {
    ...base,
    ...(email ? { mailer: sesMailer(email) } : {}),
    ...(apiBaseUrl
      ? {
          unsubscribeUrl: (member) => memberUnsubscribeUrl(base, apiBaseUrl, member),
          // The Welcome e-mail's: both wallet links as enrolment makes them, and the portal link.
          memberLinks: async (customer) => {
            const member = { merchantId: customer.merchantId, customerId: customer.id };
            const [pass, portalUrl] = await Promise.all([
              walletLinks(customer, base.clock()),
              memberPortalUrl(base, apiBaseUrl, member),
            ]);
            return { ...pass, portalUrl };
          },
        }
      : {}),
    ...(google
      ? {
          googleMessage: (serialNumber, message) =>
            addGooglePassMessage(
              { ...base, google: { issuerId: google.config.issuerId, client: google.client } },
              serialNumber,
              message,
            ),
        }
      : {}),
  };
}

/**
 * One record: every notification it causes (an entry can also unlock a reward) is tried, then the
 * record fails if any of them is to be retried; those already settled are not sent again.
 */
async function deliverRecord(deps: NotificationDeps, record: DynamoDBRecord): Promise<void> {
  const notifications = await notificationsOfRecord(deps.db, record);
  const failures: unknown[] = [];
  for (const notification of notifications) {
    await deliverNotification(deps, notification).catch((error: unknown) => failures.push(error));
  }
  if (failures.length > 0) throw failures[0];
}

/**
 * The table's stream (new ledger entries and outbox items) → email and wallet messages. A failed
 * notification fails only its own record (batchItemFailures), which Lambda delivers again.
 */
export function createNotificationsHandler(deps: () => NotificationDeps) {
  const processor = new BatchProcessor(EventType.DynamoDBStreams);
  return async (event: DynamoDBStreamEvent, context: Context): Promise<DynamoDBBatchResponse> => {
    const resolved = deps();
    return processPartialResponse(
      event,
      (record: DynamoDBRecord) => deliverRecord(resolved, record),
      processor,
      {
        context,
        throwOnFullBatchFailure: false,
      },
    );
  };
}

export const handler = middy<DynamoDBStreamEvent, DynamoDBBatchResponse>()
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .handler(createNotificationsHandler(notificationDeps));
