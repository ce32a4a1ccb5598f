import * as z from "zod";
import { walletLinks } from "../passes/download-links.ts";
import { requestCard } from "../shared/customers/card-request.ts";
import { runtimeContactChannels } from "../shared/portal/contact-channels.ts";
import { apiHandler, parse } from "./http/api.ts";
import { publicBaseUrl, signingDeps } from "./http/customer.ts";
import { RecordId, text } from "./http/fields.ts";

export const CardPath = z.object({ merchantId: RecordId });

export const CardBody = z
  .strictObject({ email: text(254).optional(), phone: text(40).optional() })
  .refine((body) => (body.email === undefined) !== (body.phone === undefined), {
    message: "give either the e-mail address or the phone number you joined with",
    path: ["email"],
  });

export const CARD_REQUESTED = {
  status: "accepted",
  detail:
    "If this address belongs to a card here, a message with fresh links to it is on its way to that address.",
} as const;

/**
 * POST /v1/join/{merchantId}/card: "find my card". The same 202 whether or not the address has a card
 * (and no sooner either way); a member receives fresh links at that address.
 */
export const handler = apiHandler(async (request) => {
  const { merchantId } = parse(CardPath, request.event.pathParameters, "path");
  const body = parse(CardBody, request.json(), "body");
  await requestCard(
    { ...signingDeps(), channels: runtimeContactChannels(), walletLinks, apiBaseUrl: publicBaseUrl(request) },
    { merchantId, ...body, sourceIp: request.event.requestContext.http.sourceIp },
  );
  return { status: 202, body: CARD_REQUESTED, headers: { "cache-control": "no-store" } };
});
