import { describe, expect, it } from "vitest";
import { createResponseValidator, type Exchange } from "../../support/openapi-validator.ts";

// The validator every end-to-end call goes through (test/support/test-stack.ts): it must refuse each way an
// answer can stray from docs/openapi.yaml, or the end-to-end suite proves nothing about the spec.
const validator = createResponseValidator();
const PROBLEM = "application/problem+json";

function exchange(
  method: string,
  url: string,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): Exchange {
  const bytes =
    body === undefined
      ? new Uint8Array()
      : body instanceof Uint8Array
        ? body
        : new TextEncoder().encode(typeof body === "string" ? body : JSON.stringify(body));
  const contentType: Record<string, string> =
    body === undefined ? {} : { "content-type": "application/json" };
  return { method, url, status, headers: new Headers({ ...contentType, ...headers }), body: bytes };
}

const problem = (status: number, extra: Record<string, unknown> = {}) => ({
  type: "https://loyalty-wallet.dev/problems/conflict",
  title: "Conflict",
  status,
  detail: "Why.",
  ...extra,
});

const at = "2026-01-01T00:00:00.000Z";
const location = {
  id: "paris-01",
  name: "Paris",
  programId: "coffee",
  program: null,
  createdAt: at,
  updatedAt: at,
};

describe("the response validator", () => {
  it("accepts an answer the spec describes", () => {
    const verdict = validator.validate(exchange("GET", "/v1/locations", 200, { locations: [location] }));
    expect(verdict).toEqual({ operation: "GET /v1/locations", problems: [] });
  });

  it("refuses a status the operation does not document", () => {
    const { problems } = validator.validate(
      exchange("GET", "/v1/locations", 418, problem(418), { "content-type": PROBLEM }),
    );
    expect(problems).toEqual(["status 418 is not documented"]);
  });

  it("refuses a body without a required member", () => {
    const { problems } = validator.validate(exchange("GET", "/v1/locations", 200, {}));
    expect(problems.join()).toMatch(/must have required property 'locations'/);
  });

  it("refuses a member of the wrong type", () => {
    const { problems } = validator.validate(
      exchange("GET", "/v1/locations", 200, { locations: [{ ...location, name: 42 }] }),
    );
    expect(problems.join()).toMatch(/\/locations\/0\/name must be string/);
  });

  it("refuses a problem whose status is not the HTTP status's integer (RFC 9457 §3.1.2)", () => {
    const { problems } = validator.validate(
      exchange("POST", "/v1/claims/clm_1/approve", 409, problem(409, { status: "approved" }), {
        "content-type": PROBLEM,
      }),
    );
    expect(problems.join()).toMatch(/\/status must be integer/);
  });

  it("refuses an error answered as plain JSON instead of a problem", () => {
    const { problems } = validator.validate(exchange("POST", "/v1/claims/clm_1/approve", 409, problem(409)));
    expect(problems.join()).toMatch(/media type application\/json is not declared/);
  });

  it("refuses an answer without a header the response requires", () => {
    const without = validator.validate(exchange("GET", "/v1/merchants/demo/jwks.json", 200, { keys: [] }));
    expect(without.problems).toEqual(["required header Cache-Control is missing"]);
    const withIt = validator.validate(
      exchange(
        "GET",
        "/v1/merchants/demo/jwks.json",
        200,
        { keys: [] },
        { "cache-control": "public, max-age=300" },
      ),
    );
    expect(withIt.problems).toEqual([]);
  });

  it("refuses an answer that sends one of the API's own headers without declaring it", () => {
    const { problems } = validator.validate(
      exchange("GET", "/v1/locations", 200, { locations: [location] }, { "idempotent-replayed": "true" }),
    );
    expect(problems).toEqual(["header idempotent-replayed is sent but not declared"]);
  });

  it("refuses a header that breaks its schema", () => {
    const { problems } = validator.validate(
      exchange("POST", "/v1/locations", 201, { location }, { "idempotent-replayed": "yes" }),
    );
    expect(problems.join()).toMatch(/header Idempotent-Replayed/);
  });

  it("checks a binary body on status and media type only", () => {
    const pkpass = new Uint8Array([0x50, 0x4b, 3, 4]);
    const headers = {
      "content-disposition": 'attachment; filename="loyalty-card.pkpass"',
      "cache-control": "private, no-store",
    };
    const ok = exchange("GET", "/v1/passes/ABC/apple.pkpass?expires=1&sig=x", 200, pkpass, {
      ...headers,
      "content-type": "application/vnd.apple.pkpass",
    });
    expect(validator.validate(ok).problems).toEqual([]);
    const wrongType = exchange("GET", "/v1/passes/ABC/apple.pkpass?expires=1&sig=x", 200, pkpass, {
      ...headers,
      "content-type": "application/zip",
    });
    expect(validator.validate(wrongType).problems.join()).toMatch(/application\/zip is not declared/);
  });

  it("matches a literal path before a templated one, and knows a route the API does not have", () => {
    expect(validator.validate(exchange("GET", "/v1/me/claims", 200, { claims: [] })).operation).toBe(
      "GET /v1/me/claims",
    );
    const unknown = validator.validate(
      exchange(
        "GET",
        "/v2/nothing",
        404,
        { ...problem(404), type: "https://loyalty-wallet.dev/problems/no-route" },
        { "content-type": PROBLEM },
      ),
    );
    expect(unknown).toEqual({ operation: undefined, problems: [] });
    const answered = validator.validate(exchange("GET", "/v2/nothing", 200, {}));
    expect(answered.problems.length).toBeGreaterThan(0);
  });
});
