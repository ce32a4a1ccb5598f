import * as z from "zod";
import { text, withTextRule } from "../text.ts";
import { MAX_URL_LENGTH } from "./address-guard.ts";
import { WEBHOOK_EVENT_TYPES } from "./events.ts";

/**
 * The fields of a webhook endpoint as the API takes them. The URL's own rules (https, no credentials, a
 * public address) are the domain's (./address-guard.ts), which resolves the host: the schema bounds it.
 */
export const WebhookUrl = withTextRule(z.string())
  .min(1, "must not be empty")
  .max(MAX_URL_LENGTH, `must be at most ${MAX_URL_LENGTH} characters`);
export const WebhookEventTypes = z
  .array(z.enum(WEBHOOK_EVENT_TYPES))
  .min(1, "give at least one event type")
  .max(WEBHOOK_EVENT_TYPES.length);
export const WebhookDescription = text(200, { min: 0 });
