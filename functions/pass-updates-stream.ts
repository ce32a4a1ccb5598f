import { BatchProcessor, EventType, processPartialResponse } from "@aws-lambda-powertools/batch";
import { injectLambdaContext } from "@aws-lambda-powertools/logger/middleware";
import middy from "@middy/core";
import type { Context, DynamoDBBatchResponse, DynamoDBStreamEvent } from "aws-lambda";
import { passChangeRecordHandler } from "../passes/pass-changes.ts";
import { deliverPassChange, type PassDeliveryDeps } from "../passes/pass-delivery.ts";
import { walletRuntime } from "../passes/wallet-runtime.ts";
import { logger } from "../shared/logger.ts";
import { runtimeDeps } from "../shared/runtime.ts";

/** The wallets this deployment has, with the table; built once per container. */
function deliveryDeps(): PassDeliveryDeps {
  const wallet = walletRuntime();
  const { apple, google } = wallet ?? {};
  return {
    ...runtimeDeps(),
    ...(wallet ? { timeZone: wallet.config.timeZone } : {}),
    ...(apple ? { apple: { passTypeIdentifier: apple.config.passTypeIdentifier, apns: apple.apns } } : {}),
    ...(google
      ? {
          google: {
            issuerId: google.config.issuerId,
            programLogoUrl: google.config.programLogoUrl,
            client: google.client,
          },
        }
      : {}),
  };
}

/**
 * The table's stream → pass updates. Changes to one pass in a batch make one delivery; a failed
 * delivery fails only its own records (batchItemFailures), never the batch.
 */
export function createPassUpdatesHandler(deps: () => PassDeliveryDeps) {
  const processor = new BatchProcessor(EventType.DynamoDBStreams);
  return async (event: DynamoDBStreamEvent, context: Context): Promise<DynamoDBBatchResponse> => {
    const resolved = deps();
    const handle = passChangeRecordHandler(event.Records, (change) => deliverPassChange(resolved, change));
    return processPartialResponse(event, handle, processor, { context, throwOnFullBatchFailure: false });
  };
}

// deliveryDeps() only gathers what runtimeDeps() and walletRuntime() keep per container.
export const handler = middy<DynamoDBStreamEvent, DynamoDBBatchResponse>()
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .handler(createPassUpdatesHandler(deliveryDeps));
