import type { PreTokenGenerationV2TriggerEvent } from "aws-lambda";
import { logger } from "../shared/logger.ts";

// The claim names of shared/auth/principal.ts, not imported from there: that module brings the
// DynamoDB client along and would triple this bundle, which runs on every sign-in.
// test/unit/infra/cognito-pre-token.test.ts keeps the two in step.
export const CLAIM_MERCHANT = "merchant_id";
export const CLAIM_STAFF = "staff_id";
const ATTRIBUTE_MERCHANT = "custom:merchant_id";
const ATTRIBUTE_STAFF = "custom:staff_id";

/**
 * Cognito pre-token-generation trigger (V2). The API's JWT authorizer accepts access tokens, and
 * Cognito puts custom attributes only in ID tokens, so this copies the two ids the handlers read
 * (shared/auth/principal.ts) into the access token. A user without them still gets tokens, with
 * neither claim, and every staff route answers 401: the misconfiguration shows where it is used.
 */
export const handler = async (
  event: PreTokenGenerationV2TriggerEvent,
): Promise<PreTokenGenerationV2TriggerEvent> => {
  const merchantId = event.request.userAttributes[ATTRIBUTE_MERCHANT];
  const staffId = event.request.userAttributes[ATTRIBUTE_STAFF];
  if (!merchantId || !staffId) {
    logger.warn("User has no merchant or staff id; issuing tokens without them", {
      userPoolId: event.userPoolId,
      sub: event.request.userAttributes.sub,
    });
    return event;
  }
  event.response = {
    claimsAndScopeOverrideDetails: {
      accessTokenGeneration: {
        claimsToAddOrOverride: { [CLAIM_MERCHANT]: merchantId, [CLAIM_STAFF]: staffId },
      },
    },
  };
  return event;
};
