import type { WebhookEventType } from "./events.ts";

/** A merchant's webhook endpoint, as stored (shared/store/webhooks.ts). */
export interface WebhookEndpoint {
  merchantId: string;
  id: string;
  url: string;
  eventTypes: WebhookEventType[];
  description: string;
  enabled: boolean;
  /** Why it was switched off by the service rather than by staff; cleared when staff enable it again. */
  disabledReason?: "failing" | "gone";
  disabledAt?: string;
  /** Newest first. The first signs alone; older ones sign alongside it until their `expiresAt`. */
  secrets: WebhookSecret[];
  /** The first failure of the current run of failures; absent after a success. */
  failingSince?: string;
  consecutiveFailures: number;
  /** Bumped on every change staff make, which is conditional on it. */
  version: number;
  createdAt: string;
  updatedAt: string;
}

export interface WebhookSecret {
  secret: string;
  createdAt: string;
  /** Set when a newer secret replaced it: the end of the overlap. */
  expiresAt?: string;
}

export type DeliveryStatus = "pending" | "delivered" | "failed";

/** One event addressed to one endpoint, with every attempt's outcome folded in. */
export interface WebhookDelivery {
  merchantId: string;
  endpointId: string;
  /** The `webhook-id`: stable across attempts, redeliveries and stream replays. */
  id: string;
  eventType: WebhookEventType;
  occurredAt: string;
  /** The body exactly as signed and sent, so every attempt sends the same bytes. */
  payload: string;
  status: DeliveryStatus;
  /** Attempts in all (shown in the log); every claim of an attempt bumps it, so it is also the claim's token. */
  attempts: number;
  /** Attempts since the schedule (re)started: a manual redelivery starts a new one. */
  round: number;
  lastAttemptAt?: string;
  lastStatusCode?: number;
  lastError?: string;
  /** When the retry job may take it next (pending only). */
  nextAttemptAt?: string;
  deliveredAt?: string;
  createdAt: string;
}
