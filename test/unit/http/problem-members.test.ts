import { describe, expect, it } from "vitest";
import {
  errorResponse,
  PROBLEM_BASE,
  problem,
  RESERVED_PROBLEM_MEMBERS,
} from "../../../functions/http/problem.ts";
import { conflict, DomainError } from "../../../shared/errors.ts";

const body = (result: { body?: string }) => JSON.parse(result.body ?? "") as Record<string, unknown>;

// RFC 9457 §3.1 members mean the same thing on every problem; an extension member may add to them, never replace them.
describe("problem details", () => {
  it("keeps the HTTP status when a domain detail is named status (a claim already decided)", () => {
    const result = errorResponse(
      conflict("This claim was already approved.", { status: "approved" }),
      "req-1",
    );
    expect(result.statusCode).toBe(409);
    expect(body(result)).toEqual({
      type: `${PROBLEM_BASE}conflict`,
      title: "Conflict",
      status: 409,
      detail: "This claim was already approved.",
    });
  });

  it.each(RESERVED_PROBLEM_MEMBERS)(
    "never lets an extension member named %s overwrite or add a standard member",
    (name) => {
      const result = problem(409, "conflict", "Conflict", "Why.", {
        [name]: "from the domain",
        usedAt: "2026-01-01",
      });
      const sent = body(result);
      expect(sent.type).toBe(`${PROBLEM_BASE}conflict`);
      expect(sent.title).toBe("Conflict");
      expect(sent.status).toBe(409);
      expect(sent.detail).toBe("Why.");
      expect(sent).not.toHaveProperty("instance");
      expect(sent.usedAt).toBe("2026-01-01");
    },
  );

  it("sends every other extension member as given", () => {
    const error = new DomainError("conflict", "Balance too low.", {
      balance: 3,
      points: 10,
      claimStatus: "approved",
    });
    expect(body(errorResponse(error, "req-2"))).toMatchObject({
      status: 409,
      balance: 3,
      points: 10,
      claimStatus: "approved",
    });
  });
});
