import { Webhook } from "standardwebhooks";
import { describe, expect, it } from "vitest";
import { newWebhookSecret, webhookHeaders } from "../../../shared/webhooks/signing.ts";

/** The headers we send, checked by Standard Webhooks' reference library, as a receiver would. */

describe("webhook signatures", () => {
  const body = JSON.stringify({
    type: "entry.created",
    timestamp: "2026-01-01T00:00:00.000Z",
    data: { id: "e1" },
  });

  it("verify with the reference library, and fail on any change", () => {
    const secret = newWebhookSecret();
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    const headers = webhookHeaders([secret], "msg_01TEST", new Date(), body);
    expect(new Webhook(secret).verify(body, headers)).toEqual(JSON.parse(body));
    expect(() => new Webhook(secret).verify(`${body} `, headers)).toThrow();
    expect(() => new Webhook(secret).verify(body, { ...headers, "webhook-id": "msg_02TEST" })).toThrow();
    expect(() => new Webhook(newWebhookSecret()).verify(body, headers)).toThrow();
  });

  it("carry one signature per signing secret, so both sides of a rotation verify", () => {
    const [current, previous] = [newWebhookSecret(), newWebhookSecret()];
    const headers = webhookHeaders([current, previous], "msg_01TEST", new Date(), body);
    expect(headers["webhook-signature"]?.split(" ")).toHaveLength(2);
    expect(new Webhook(current).verify(body, headers)).toBeTruthy();
    expect(new Webhook(previous).verify(body, headers)).toBeTruthy();
  });

  it("date the attempt in whole seconds", () => {
    const headers = webhookHeaders([newWebhookSecret()], "msg_x", new Date("2026-03-01T10:00:00.900Z"), body);
    expect(headers["webhook-timestamp"]).toBe(String(Date.parse("2026-03-01T10:00:00Z") / 1000));
  });
});
