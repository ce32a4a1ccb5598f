import { type DynamoDBDocumentClient, GetCommand } from "@aws-sdk/lib-dynamodb";
import type { APIGatewayProxyStructuredResultV2 } from "aws-lambda";
import { mockClient } from "aws-sdk-client-mock";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { handler as claimsApprove } from "../../../functions/claims-approve.ts";
import { handler as locationsList } from "../../../functions/locations-list.ts";
import { handler as staffList } from "../../../functions/staff-list.ts";
import { lambdaContext } from "../../../infra/local/api-gateway-event.ts";
import type { Permission } from "../../../shared/auth/permissions.ts";
import type { Role } from "../../../shared/model.ts";
import { runtimeDeps } from "../../../shared/runtime.ts";
import { merchantSk } from "../../../shared/store/merchants/merchant.ts";
import { staffSk } from "../../../shared/store/merchants/staff.ts";
import { answerBatchGetsWithGets } from "../../support/batch-get-via-gets.ts";

// The handlers' bodies, replaced so a test can tell whether the pipeline let the request reach them.
const body = vi.hoisted(() => ({
  listStaffMembers: vi.fn(async () => []),
  listVisibleLocations: vi.fn(async () => []),
  approveClaim: vi.fn(),
}));
vi.mock("../../../shared/merchants/staff.ts", () => ({ listStaffMembers: body.listStaffMembers }));
vi.mock("../../../shared/merchants/locations.ts", () => ({
  listVisibleLocations: body.listVisibleLocations,
}));
vi.mock("../../../shared/claims/decide.ts", () => ({ approveClaim: body.approveClaim }));

// The handlers' client is made on first use, from these; the address is never reached (the mock answers).
process.env.TABLE_NAME = "t";
process.env.DYNAMODB_ENDPOINT = "http://127.0.0.1:1";
const ddb = mockClient(runtimeDeps().db.client as unknown as DynamoDBDocumentClient);

/** resolvePrincipal's two reads: the staff record and the merchant (its role permissions). */
function storedStaff(
  role: Role,
  options: { active?: boolean; rolePermissions?: Partial<Record<Role, Permission[]>> } = {},
) {
  ddb.on(GetCommand).callsFake(({ Key }: { Key: { pk: string; sk: string } }) => {
    if (Key.sk === staffSk("sam")) {
      return {
        Item: {
          ...Key,
          merchantId: "m",
          id: "sam",
          name: "Sam",
          role,
          locationIds: "*",
          active: options.active ?? true,
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
          rolePermissions: options.rolePermissions,
        },
      };
    }
    return {};
  });
}

function call(
  handler: typeof staffList,
  routeKey: string,
  extra: { pathParameters?: Record<string, string>; body?: string } = {},
): Promise<APIGatewayProxyStructuredResultV2> {
  const event = {
    version: "2.0",
    routeKey,
    rawPath: "/",
    rawQueryString: "",
    headers: {},
    isBase64Encoded: false,
    ...extra,
    requestContext: {
      requestId: "req-1",
      routeKey,
      http: { method: routeKey.split(" ")[0] ?? "GET", path: "/" },
      authorizer: { jwt: { claims: { merchant_id: "m", staff_id: "sam" }, scopes: [] } },
    },
  };
  return handler(event as never, lambdaContext("test", "req-1"));
}

const problemOf = (result: APIGatewayProxyStructuredResultV2) =>
  JSON.parse(String(result.body)) as { type: string; status: number; detail: string };

beforeEach(() => {
  answerBatchGetsWithGets(ddb.reset());
  for (const fn of Object.values(body)) fn.mockClear();
});

describe("the staff pipeline enforces the route's permission", () => {
  it("answers 403 before the handler runs when the role lacks it", async () => {
    storedStaff("staff");
    const result = await call(staffList, "GET /v1/staff");
    expect(result.statusCode).toBe(403);
    expect(result.headers?.["content-type"]).toBe("application/problem+json");
    expect(problemOf(result)).toMatchObject({ status: 403, detail: expect.stringContaining("staff:manage") });
    expect(body.listStaffMembers).not.toHaveBeenCalled();
    // Only resolvePrincipal's reads (one BatchGet of two items): nothing of the handler's.
    expect(ddb.commandCalls(GetCommand).map((c) => c.args[0].input.Key?.sk)).toEqual([
      staffSk("sam"),
      merchantSk(),
    ]);
    expect(ddb.calls()).toHaveLength(3);
  });

  it("lets the request through when the role holds it, as the merchant set it", async () => {
    storedStaff("owner");
    expect((await call(staffList, "GET /v1/staff")).statusCode).toBe(200);
    storedStaff("staff", { rolePermissions: { staff: ["staff:manage"] } });
    expect((await call(staffList, "GET /v1/staff")).statusCode).toBe(200);
    expect(body.listStaffMembers).toHaveBeenCalledTimes(2);
  });

  it("authenticates first: a deactivated member is a 401 whatever the route needs", async () => {
    storedStaff("staff", { active: false });
    expect((await call(staffList, "GET /v1/staff")).statusCode).toBe(401);
    storedStaff("owner", { active: false });
    expect((await call(staffList, "GET /v1/staff")).statusCode).toBe(401);
    expect(body.listStaffMembers).not.toHaveBeenCalled();
  });

  it("requires every permission of a route that lists several", async () => {
    storedStaff("manager", { rolePermissions: { manager: ["claims:review"] } });
    const result = await call(claimsApprove, "POST /v1/claims/{claimId}/approve", {
      pathParameters: { claimId: "clm_1" },
      body: "{}",
    });
    expect(result.statusCode).toBe(403);
    expect(problemOf(result).detail).toContain("points:adjust");
    expect(body.approveClaim).not.toHaveBeenCalled();
  });

  it("lets any active member call a signed-in route", async () => {
    storedStaff("staff", { rolePermissions: { staff: [] } });
    expect((await call(locationsList, "GET /v1/locations")).statusCode).toBe(200);
    expect(body.listVisibleLocations).toHaveBeenCalledTimes(1);
  });

  it("answers 500 for a route key the table does not list as a staff route, without reading anything", async () => {
    storedStaff("owner");
    for (const routeKey of ["GET /v1/nope", "GET /v1/me", "GET /v1/staff/{staffId}"]) {
      const result = await call(staffList, routeKey);
      expect(result.statusCode, routeKey).toBe(500);
    }
    expect(ddb.calls()).toHaveLength(0);
    expect(body.listStaffMembers).not.toHaveBeenCalled();
  });
});
