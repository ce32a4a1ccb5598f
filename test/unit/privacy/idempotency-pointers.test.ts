import { describe, expect, it } from "vitest";
import { customersNamedBy } from "../../../shared/store/idempotency.ts";

/**
 * Which stored answers get a pointer under a customer (shared/store/idempotency.ts), so that an erasure can
 * reach them: those that name a member and carry a name, contact, note or description.
 */

describe("customersNamedBy", () => {
  it("names the member of an enrolment, a manual entry with a note, a claim", () => {
    expect(customersNamedBy({ customer: { id: "cus_1", name: "Camille", phone: null } })).toEqual(["cus_1"]);
    expect(
      customersNamedBy({
        transaction: { id: "ent_1", customerId: "cus_2", note: "for the party", inputs: {} },
      }),
    ).toEqual(["cus_2"]);
    expect(customersNamedBy({ claim: { customerId: "cus_3", description: "no points" } })).toEqual(["cus_3"]);
  });

  it("names nobody for an answer without personal text: an earn, an erasure, a staff write", () => {
    const earn = { transaction: { customerId: "cus_1", note: null, inputs: { amount: "12.00" } } };
    expect(customersNamedBy(earn)).toEqual([]);
    expect(customersNamedBy({ erasure: { customerId: "cus_1", erasedAt: "2026-01-01T00:00:00Z" } })).toEqual(
      [],
    );
    expect(customersNamedBy({ webhook: { id: "wh_1", description: "shop" } })).toEqual([]);
    expect(customersNamedBy(null)).toEqual([]);
  });

  it("names nobody for a batch's answer (more than a few members)", () => {
    const lines = ["a", "b", "c", "d"].map((id) => ({ customerId: id, name: "x" }));
    expect(customersNamedBy({ lines })).toEqual([]);
  });
});
