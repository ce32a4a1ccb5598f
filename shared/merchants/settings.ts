import type { AlertRules } from "../alerts/rules.ts";
import type { Principal } from "../auth/principal.ts";
import { maxPurchaseOf } from "../bounds.ts";
import { notFound } from "../errors.ts";
import { type ExpiryPolicy, NO_EXPIRY } from "../expiry/policy.ts";
import type { Branding, Merchant } from "../model.ts";
import { MOMENTS, type Moment } from "../notifications/outbox.ts";
import type { Db } from "../store/db/client.ts";
import { updateMerchant } from "../store/merchants/merchant.ts";
import { getMerchant } from "./directory.ts";

export interface MerchantSettings {
  name?: string;
  /** Expiry of points credited outside a program (manual points without a location, refunds). */
  expiry?: ExpiryPolicy;
  moments?: Partial<Record<Moment, boolean>>;
  branding?: BrandingChange;
  /** The largest purchase a till may post, in the program's currency (shared/bounds.ts). */
  maxPurchaseAmount?: string;
  /** Replaces the fraud rules as a whole: a rule left out is off. */
  alertRules?: AlertRules;
}

/**
 * The branding as a whole, except the logo: left out, the current logo stays (a settings read returns only
 * its size, so a form that changes a colour cannot send it back); null removes it.
 */
export type BrandingChange = Omit<Branding, "logoPngBase64"> & { logoPngBase64?: string | null };

function nextBranding(change: BrandingChange, current: Branding | undefined): Branding {
  const { logoPngBase64, ...rest } = change;
  const logo = logoPngBase64 === undefined ? current?.logoPngBase64 : (logoPngBase64 ?? undefined);
  return { ...rest, ...(logo ? { logoPngBase64: logo } : {}) };
}

/** A Moment is on unless the merchant switched it off. */
export const momentEnabled = (merchant: Pick<Merchant, "moments"> | undefined, moment: Moment) =>
  merchant?.moments?.[moment] !== false;

export function settingsView(merchant: Merchant) {
  return {
    id: merchant.id,
    name: merchant.name,
    country: merchant.country,
    currency: merchant.currency,
    expiry: merchant.expiry ?? NO_EXPIRY,
    moments: Object.fromEntries(MOMENTS.map((moment) => [moment, momentEnabled(merchant, moment)])),
    maxPurchaseAmount: maxPurchaseOf(merchant),
    alertRules: merchant.alertRules ?? {},
    // The logo is returned as its size only: the bytes belong on the pass, not in every settings read.
    branding: {
      backgroundColor: merchant.branding?.backgroundColor ?? null,
      foregroundColor: merchant.branding?.foregroundColor ?? null,
      labelColor: merchant.branding?.labelColor ?? null,
      logoBytes: merchant.branding?.logoPngBase64
        ? Buffer.from(merchant.branding.logoPngBase64, "base64").length
        : null,
      contact: merchant.branding?.contact ?? null,
      termsUrl: merchant.branding?.termsUrl ?? null,
    },
  };
}

export async function readSettings(db: Db, principal: Principal) {
  const merchant = await getMerchant(db, principal.merchantId);
  if (!merchant) throw notFound("Merchant");
  return settingsView(merchant);
}

/** Changes what was sent; a default expiry change, like a program's, reaches only points credited after it. */
export async function updateSettings(db: Db, principal: Principal, settings: MerchantSettings) {
  const merchant = await getMerchant(db, principal.merchantId);
  if (!merchant) throw notFound("Merchant");
  const moments = settings.moments ? { ...merchant.moments, ...settings.moments } : undefined;
  const branding = settings.branding ? nextBranding(settings.branding, merchant.branding) : undefined;
  await updateMerchant(db, principal.merchantId, {
    name: settings.name,
    expiry: settings.expiry,
    moments,
    branding,
    maxPurchaseAmount: settings.maxPurchaseAmount,
    alertRules: settings.alertRules,
  });
  return settingsView({
    ...merchant,
    ...settings,
    ...(moments ? { moments } : {}),
    ...(branding ? { branding } : {}),
  } as Merchant);
}
