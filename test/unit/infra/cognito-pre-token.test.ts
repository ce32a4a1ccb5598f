import type { PreTokenGenerationV2TriggerEvent } from "aws-lambda";
import { describe, expect, it } from "vitest";
import { CLAIM_MERCHANT, CLAIM_STAFF, handler } from "../../../functions/cognito-pre-token.ts";
import * as principal from "../../../shared/auth/principal.ts";

function event(userAttributes: Record<string, string>): PreTokenGenerationV2TriggerEvent {
  return {
    version: "2",
    triggerSource: "TokenGeneration_Authentication",
    region: "eu-west-3",
    userPoolId: "eu-west-3_pool",
    userName: "user",
    callerContext: { awsSdkVersion: "test", clientId: "scanner" },
    request: { userAttributes, groupConfiguration: { groupsToOverride: [], iamRolesToOverride: [] } },
    response: { claimsAndScopeOverrideDetails: {} },
  } as PreTokenGenerationV2TriggerEvent;
}

describe("cognito pre-token trigger", () => {
  it("uses the claim names the API handlers read", () => {
    expect(CLAIM_MERCHANT).toBe(principal.CLAIM_MERCHANT);
    expect(CLAIM_STAFF).toBe(principal.CLAIM_STAFF);
  });

  it("copies the custom attributes into the access token", async () => {
    // Prepare
    const input = event({ sub: "u-1", "custom:merchant_id": "m_1", "custom:staff_id": "s_1" });
    // Act
    const output = await handler(input);
    // Assess
    expect(output.response.claimsAndScopeOverrideDetails).toEqual({
      accessTokenGeneration: { claimsToAddOrOverride: { merchant_id: "m_1", staff_id: "s_1" } },
    });
  });

  it("adds no claim to a user without both ids, so the API refuses their token", async () => {
    const output = await handler(event({ sub: "u-2", "custom:merchant_id": "m_1" }));
    expect(output.response.claimsAndScopeOverrideDetails).toEqual({});
  });
});
