import { type DynamoDBDocumentClient, GetCommand } from "@aws-sdk/lib-dynamodb";
import type { APIGatewayProxyStructuredResultV2 } from "aws-lambda";
import { mockClient } from "aws-sdk-client-mock";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { handler as poster } from "../../../functions/locations-poster.ts";
import { lambdaContext } from "../../../infra/local/api-gateway-event.ts";
import type { Permission } from "../../../shared/auth/permissions.ts";
import { runtimeDeps } from "../../../shared/runtime.ts";
import { merchantSk } from "../../../shared/store/merchants/merchant.ts";
import { staffSk } from "../../../shared/store/merchants/staff.ts";
import { answerBatchGetsWithGets } from "../../support/batch-get-via-gets.ts";

// The handler's body, replaced so the test sees whether the pipeline let the request reach it.
const body = vi.hoisted(() => ({
  locationPoster: vi.fn(async () => ({
    bytes: Buffer.from("<svg/>"),
    contentType: "image/svg+xml",
    filename: "p.svg",
  })),
}));
vi.mock("../../../shared/posters/poster.ts", () => ({
  POSTER_FORMATS: ["png", "svg", "pdf"],
  locationPoster: body.locationPoster,
}));

process.env.TABLE_NAME = "t";
process.env.DYNAMODB_ENDPOINT = "http://127.0.0.1:1";
const ddb = mockClient(runtimeDeps().db.client as unknown as DynamoDBDocumentClient);

/** A staff member whose role the merchant set to exactly these permissions. */
function staffWith(permissions: Permission[]) {
  ddb.on(GetCommand).callsFake(({ Key }: { Key: { pk: string; sk: string } }) => {
    if (Key.sk === staffSk("sam")) {
      return {
        Item: {
          ...Key,
          merchantId: "m",
          id: "sam",
          name: "Sam",
          role: "staff",
          locationIds: "*",
          active: true,
        },
      };
    }
    if (Key.sk === merchantSk()) {
      return {
        Item: {
          ...Key,
          id: "m",
          name: "M",
          country: "FR",
          currency: "EUR",
          rolePermissions: { staff: permissions },
        },
      };
    }
    return {};
  });
}

function call(): Promise<APIGatewayProxyStructuredResultV2> {
  const routeKey = "GET /v1/locations/{locationId}/poster";
  const event = {
    version: "2.0",
    routeKey,
    rawPath: "/v1/locations/paris/poster",
    rawQueryString: "format=svg",
    headers: { host: "127.0.0.1:3000" },
    queryStringParameters: { format: "svg" },
    pathParameters: { locationId: "paris" },
    isBase64Encoded: false,
    requestContext: {
      requestId: "req-1",
      routeKey,
      http: { method: "GET", path: "/v1/locations/paris/poster" },
      authorizer: { jwt: { claims: { merchant_id: "m", staff_id: "sam" }, scopes: [] } },
    },
  };
  return poster(event as never, lambdaContext("test", "req-1"));
}

beforeEach(() => {
  answerBatchGetsWithGets(ddb.reset());
  body.locationPoster.mockClear();
});

describe("a route that any one of its permissions opens (the counter poster)", () => {
  it("lets in a role with either permission alone", async () => {
    staffWith(["customers:read", "customers:write"]);
    expect((await call()).statusCode).toBe(200);
    staffWith(["locations:manage"]);
    expect((await call()).statusCode).toBe(200);
    expect(body.locationPoster).toHaveBeenCalledTimes(2);
  });

  it("answers 403 naming both, before the handler runs, for a role with neither", async () => {
    staffWith(["customers:read", "transactions:create"]);
    const result = await call();
    expect(result.statusCode).toBe(403);
    expect(JSON.parse(String(result.body)).detail).toContain("locations:manage or customers:write");
    expect(body.locationPoster).not.toHaveBeenCalled();
  });
});
