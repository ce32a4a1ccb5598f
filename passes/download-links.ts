import { createHmac, timingSafeEqual } from "node:crypto";
import type { WalletLinkSigner, WalletLinks } from "../shared/customers/wallet-links.ts";
import { lazily } from "../shared/lazily.ts";
import type { Customer } from "../shared/model.ts";
import { createSaveToGoogleWalletUrl } from "./google/save-link.ts";
import type { ServiceAccountKey } from "./google/service-account.ts";
import { googleIds } from "./member-pass.ts";
import { type WalletConfig, walletConfig } from "./wallet-config.ts";
import { loadLinkKey, loadServiceAccount } from "./wallet-secrets.ts";

/**
 * "Add to Apple Wallet" and "Save to Google Wallet" links for a member. The Apple one is a URL to the
 * .pkpass signed with a server key and valid for a while (the pass carries its authentication token,
 * so the link must not work forever); the Google one is Google's save JWT.
 */

/** Where the Apple link points; the route in infra/routes.ts serves it. */
export const appleDownloadPath = (serialNumber: string) =>
  `/v1/passes/${encodeURIComponent(serialNumber)}/apple.pkpass`;

// The purpose is part of what is signed, so a signature made for anything else with this key never fits here.
const signature = (key: Buffer, serialNumber: string, expires: number) =>
  createHmac("sha256", key).update(`apple-pass-download\n${serialNumber}\n${expires}`).digest("base64url");

export function signedAppleDownloadUrl(
  apiBaseUrl: string,
  key: Buffer,
  serialNumber: string,
  expiresAt: Date,
): string {
  const expires = Math.floor(expiresAt.getTime() / 1000);
  const query = new URLSearchParams({ expires: String(expires), sig: signature(key, serialNumber, expires) });
  return `${apiBaseUrl}${appleDownloadPath(serialNumber)}?${query}`;
}

/** True when the link was made with this key for this serial and has not expired. */
export function verifyAppleDownload(
  key: Buffer,
  serialNumber: string,
  query: { expires?: string; sig?: string },
  now: Date,
): boolean {
  if (!query.expires || !/^\d{1,12}$/.test(query.expires) || !query.sig) return false;
  const expires = Number(query.expires);
  if (expires * 1000 <= now.getTime()) return false;
  const expected = Buffer.from(signature(key, serialNumber, expires));
  const given = Buffer.from(query.sig);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** What signing both links takes: the configuration and two secrets, each loaded on first use. */
export interface LinkSigning {
  config: WalletConfig;
  linkKey?: () => Promise<Buffer>;
  googleServiceAccount?: () => Promise<ServiceAccountKey>;
}

/** Both links for a member; each is null when its wallet is not configured here. */
export async function walletLinksFor(
  signing: LinkSigning | undefined,
  customer: Pick<Customer, "merchantId" | "passSerial">,
  now: Date,
): Promise<WalletLinks> {
  const links: WalletLinks = { appleWalletUrl: null, googleWalletUrl: null };
  if (!signing) return links;
  const { config } = signing;
  if (config.apple && signing.linkKey) {
    const expiresAt = new Date(now.getTime() + config.linkTtlSeconds * 1000);
    links.appleWalletUrl = signedAppleDownloadUrl(
      config.apiBaseUrl,
      await signing.linkKey(),
      customer.passSerial,
      expiresAt,
    );
  }
  if (config.google && signing.googleServiceAccount) {
    const { classId, objectId } = googleIds(config.google.issuerId, customer.merchantId, customer.passSerial);
    links.googleWalletUrl = await createSaveToGoogleWalletUrl({
      serviceAccount: await signing.googleServiceAccount(),
      origins: config.google.origins,
      objects: [{ id: objectId, classId }],
      now: () => now,
    });
  }
  return links;
}

// Enrolment signs links but renders and pushes nothing: it loads the two secrets itself rather than the
// wallet runtime, which would pull the pass renderer and both wallet clients into its bundle.
let signingFor: { config: WalletConfig; signing: LinkSigning } | undefined;

function linkSigning(): LinkSigning | undefined {
  const config = walletConfig();
  if (!config) return undefined;
  if (signingFor?.config !== config) {
    const { linkKey, google } = config;
    signingFor = {
      config,
      signing: {
        config,
        ...(linkKey ? { linkKey: lazily(() => loadLinkKey(linkKey)) } : {}),
        ...(google ? { googleServiceAccount: lazily(() => loadServiceAccount(google.serviceAccount)) } : {}),
      },
    };
  }
  return signingFor.signing;
}

/** For enrolment (given to it by its callers): the links, from this container's wallet configuration. */
export const walletLinks: WalletLinkSigner = (customer, now) => walletLinksFor(linkSigning(), customer, now);
