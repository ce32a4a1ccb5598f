import { describe, expect, it } from "vitest";
import { personalValues, redactPayload } from "../../../shared/customers/redact.ts";
import type { Customer } from "../../../shared/model.ts";

const customer = {
  id: "cus_1",
  name: "Zoé Lefèvre-Martin",
  phone: "+33612345678",
  email: "zoe@example.org",
} as Customer;

describe("redacting a member from a webhook payload", () => {
  const values = personalValues(customer, ["Birthday gift for Zoé"]);

  it("knows the name, its words of three letters or more, the contacts and the free texts, folded", () => {
    expect(values).toEqual(
      expect.arrayContaining(["zoe lefevre-martin", "lefevre", "martin", "+33612345678", "zoe@example.org"]),
    );
    expect(values).toContain("birthday gift for zoe");
    expect(values).not.toContain("zo");
  });

  it("nulls every string mentioning one of them, and keeps everything else as it was", () => {
    const payload = JSON.stringify({
      type: "customer.created",
      data: {
        id: "cus_1",
        name: "Zoé Lefèvre-Martin",
        email: "ZOE@example.org",
        balance: 0,
        tags: ["MARTIN"],
      },
    });
    expect(JSON.parse(redactPayload(payload, values))).toEqual({
      type: "customer.created",
      data: { id: "cus_1", name: null, email: null, balance: 0, tags: [null] },
    });
  });

  it("leaves a payload that mentions none of them byte for byte", () => {
    const payload = '{"type":"entry.created","data":{"points":5}}';
    expect(redactPayload(payload, values)).toBe(payload);
  });
});
