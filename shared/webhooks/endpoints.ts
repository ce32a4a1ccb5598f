import type { Principal } from "../auth/principal.ts";
import type { Clock } from "../clock.ts";
import { notFound, ValidationError } from "../errors.ts";
import { idempotencyFrom } from "../idempotency.ts";
import { newId } from "../ids.ts";
import { runWrite, type WriteResult } from "../pipeline/write.ts";
import type { Db } from "../store/db/client.ts";
import {
  deleteEndpoint as deleteEndpointItem,
  type EndpointChanges,
  endpointChangeItem,
  listEndpoints,
  newEndpointItem,
  readEndpoint,
} from "../store/webhooks.ts";
import { type Resolver, requireSafeUrl, type TargetPolicy } from "./address-guard.ts";
import type { WebhookEventType } from "./events.ts";
import type { WebhookEndpoint, WebhookSecret } from "./model.ts";
import { newWebhookSecret } from "./signing.ts";

/** A merchant's endpoints: registered, changed, deleted by staff with `webhooks:manage`. */

export const MAX_ENDPOINTS = 20;
/** How long a replaced secret still signs, alongside the new one, so receivers can switch without a gap. */
export const SECRET_OVERLAP_MS = 24 * 3_600_000;
/** Secrets signing at once: rotating again within the overlap drops the oldest early. */
const MAX_SIGNING_SECRETS = 3;

export interface EndpointDeps {
  db: Db;
  clock: Clock;
  policy: TargetPolicy;
  resolve: Resolver;
}

/** What staff see of an endpoint: never its secrets (shown once, at creation and at each rotation). */
export function endpointView(endpoint: WebhookEndpoint, now: Date) {
  const overlap = signingSecrets(endpoint, now).slice(1);
  return {
    id: endpoint.id,
    url: endpoint.url,
    eventTypes: endpoint.eventTypes,
    description: endpoint.description,
    enabled: endpoint.enabled,
    disabledReason: endpoint.disabledReason ?? null,
    disabledAt: endpoint.disabledAt ?? null,
    // When the last replaced secret stops signing; null when only the current one signs.
    previousSecretExpiresAt:
      overlap
        .map((s) => s.expiresAt)
        .sort()
        .at(-1) ?? null,
    createdAt: endpoint.createdAt,
    updatedAt: endpoint.updatedAt,
  };
}

export type EndpointView = ReturnType<typeof endpointView>;

/** The secrets that sign at `now`, newest first. */
export const signingSecrets = (endpoint: Pick<WebhookEndpoint, "secrets">, now: Date): WebhookSecret[] =>
  endpoint.secrets.filter((s) => s.expiresAt === undefined || Date.parse(s.expiresAt) > now.getTime());

export interface NewEndpoint {
  url: string;
  eventTypes: WebhookEventType[];
  description?: string;
  enabled?: boolean;
}

export interface EndpointUpdate {
  url?: string;
  eventTypes?: WebhookEventType[];
  description?: string;
  enabled?: boolean;
}

export async function createEndpoint(
  deps: EndpointDeps,
  principal: Principal,
  input: NewEndpoint,
  idempotencyKey: string | undefined,
): Promise<WriteResult<{ webhook: EndpointView; secret: string }>> {
  const { db } = deps;
  const { merchantId } = principal;
  return runWrite(deps, {
    name: "webhooks.create",
    merchantId,
    idempotency: idempotencyFrom(idempotencyKey, "webhooks.create", input),
    loadReadsOnly: true,
    load: async () => {
      const [existing] = await Promise.all([
        listEndpoints(db, merchantId),
        requireSafeUrl(input.url, deps.policy, deps.resolve),
      ]);
      if (existing.length >= MAX_ENDPOINTS) {
        throw ValidationError.field("url", `a merchant can register at most ${MAX_ENDPOINTS} endpoints`);
      }
    },
    attempt: async (_, at) => {
      const now = at.toISOString();
      const secret = newWebhookSecret();
      const endpoint: WebhookEndpoint = {
        merchantId,
        id: newId("wh", at),
        url: input.url,
        eventTypes: [...new Set(input.eventTypes)],
        description: input.description ?? "",
        enabled: input.enabled ?? true,
        secrets: [{ secret, createdAt: now }],
        consecutiveFailures: 0,
        version: 1,
        createdAt: now,
        updatedAt: now,
      };
      // The secret is in the stored result: a retry with the same key must show it, as the first answer did.
      return {
        items: [newEndpointItem(db, endpoint)],
        result: { webhook: endpointView(endpoint, at), secret },
      };
    },
  });
}

export async function listEndpointViews(deps: { db: Db; clock: Clock }, principal: Principal) {
  const now = deps.clock();
  return (await listEndpoints(deps.db, principal.merchantId))
    .sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id))
    .map((endpoint) => endpointView(endpoint, now));
}

/** The merchant's endpoint, or a 404 (another merchant's is not found either). */
export async function requireEndpoint(
  db: Db,
  principal: Principal,
  endpointId: string,
): Promise<WebhookEndpoint> {
  const endpoint = await readEndpoint(db, principal.merchantId, endpointId);
  if (!endpoint) throw notFound("Webhook endpoint");
  return endpoint;
}

/**
 * Staff's changes; enabling an endpoint the service disabled clears its failure run, so it gets the
 * full 5 days again. Conditional on the version read: a concurrent change makes it read and plan again.
 */
export async function updateEndpoint(
  deps: EndpointDeps,
  principal: Principal,
  endpointId: string,
  changes: EndpointUpdate,
): Promise<EndpointView> {
  const { db } = deps;
  const { result } = await runWrite(deps, {
    name: "webhooks.update",
    merchantId: principal.merchantId,
    load: async () => {
      if (changes.url !== undefined) await requireSafeUrl(changes.url, deps.policy, deps.resolve);
    },
    attempt: async (_, at) => {
      const before = await requireEndpoint(db, principal, endpointId);
      const reenabled = changes.enabled === true && !before.enabled;
      const set: EndpointChanges = {
        url: changes.url,
        eventTypes: changes.eventTypes && [...new Set(changes.eventTypes)],
        description: changes.description,
        enabled: changes.enabled,
        updatedAt: at.toISOString(),
        ...(reenabled ? { consecutiveFailures: 0 } : {}),
      };
      const after: WebhookEndpoint = {
        ...before,
        ...Object.fromEntries(Object.entries(set).filter(([, v]) => v !== undefined)),
        version: before.version + 1,
      };
      if (reenabled) {
        delete after.disabledReason;
        delete after.disabledAt;
        delete after.failingSince;
      }
      const removed = reenabled ? (["disabledReason", "disabledAt", "failingSince"] as const) : [];
      return { items: [endpointChangeItem(db, before, set, removed)], result: endpointView(after, at) };
    },
  });
  return result;
}

export async function deleteEndpoint(db: Db, principal: Principal, endpointId: string): Promise<void> {
  if (!(await deleteEndpointItem(db, principal.merchantId, endpointId))) throw notFound("Webhook endpoint");
}

/**
 * A new secret, shown once; the secrets it replaces sign alongside it for 24 hours (several signatures
 * in `webhook-signature`, as the specification allows), so a receiver can switch without missing one.
 */
export async function rotateSecret(
  deps: { db: Db; clock: Clock },
  principal: Principal,
  endpointId: string,
  idempotencyKey: string | undefined,
): Promise<WriteResult<{ webhook: EndpointView; secret: string }>> {
  const { db } = deps;
  return runWrite(deps, {
    name: "webhooks.rotate-secret",
    merchantId: principal.merchantId,
    idempotency: idempotencyFrom(idempotencyKey, "webhooks.rotate-secret", { endpointId }),
    loadReadsOnly: true,
    load: async () => undefined,
    attempt: async (_, at) => {
      const before = await requireEndpoint(db, principal, endpointId);
      const now = at.toISOString();
      const ends = new Date(at.getTime() + SECRET_OVERLAP_MS).toISOString();
      const secret = newWebhookSecret();
      const secrets: WebhookSecret[] = [
        { secret, createdAt: now },
        ...signingSecrets(before, at).map((s) => ({ ...s, expiresAt: s.expiresAt ?? ends })),
      ].slice(0, MAX_SIGNING_SECRETS);
      const after: WebhookEndpoint = { ...before, secrets, updatedAt: now, version: before.version + 1 };
      return {
        items: [endpointChangeItem(db, before, { secrets, updatedAt: now })],
        result: { webhook: endpointView(after, at), secret },
      };
    },
  });
}
