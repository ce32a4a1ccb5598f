import * as z from "zod";
import { walletLinks } from "../passes/download-links.ts";
import { joinMerchant } from "../shared/customers/join.ts";
import { idempotencyFrom } from "../shared/idempotency.ts";
import { runtimeContactChannels } from "../shared/portal/contact-channels.ts";
import { apiHandler, idempotentResponse, parse } from "./http/api.ts";
import { publicBaseUrl, signingDeps } from "./http/customer.ts";
import { RecordId, text } from "./http/fields.ts";

export const JoinPath = z.object({ merchantId: RecordId });

export const JoinBody = z
  .strictObject({
    name: text(120),
    email: text(254).optional(),
    phone: text(40).optional(),
    locale: z.enum(["fr", "en"]),
    // Two separate answers, both required: neither is assumed.
    consents: z.strictObject({ transactional: z.boolean(), marketing: z.boolean() }),
    locationId: RecordId.optional(),
    // A member's referral code (the join link's `?ref=`): the code alphabet, bounded.
    referralCode: z
      .string()
      .regex(/^[A-Z2-9]{4,32}$/, "must be a referral code: 4 to 32 letters and digits")
      .optional(),
  })
  .refine((body) => body.email !== undefined || body.phone !== undefined, {
    message: "give an e-mail address or a phone number (or both)",
    path: ["email"],
  });

/**
 * POST /v1/join/{merchantId}: a customer joins by themselves (public, no token). 201 with the new card
 * (wallet links, portal link); 202 "sent" when the e-mail or phone already has a card, which then goes to
 * that address and is never in the answer.
 */
export const handler = apiHandler(async (request) => {
  const { merchantId } = parse(JoinPath, request.event.pathParameters, "path");
  const body = parse(JoinBody, request.json(), "body");
  const idempotency = idempotencyFrom(request.header("idempotency-key"), "join.create", { merchantId, body });
  const write = await joinMerchant(
    { ...signingDeps(), channels: runtimeContactChannels(), walletLinks, apiBaseUrl: publicBaseUrl(request) },
    { merchantId, ...body, sourceIp: request.event.requestContext.http.sourceIp },
    idempotency,
  );
  const response = idempotentResponse(write.result.status === "joined" ? 201 : 202, write);
  // The card's links are the member's own: no shared cache may keep them.
  return { ...response, headers: { ...response.headers, "cache-control": "no-store" } };
});
