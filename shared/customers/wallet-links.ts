import type { Customer } from "../model.ts";

/** The "Add to Apple Wallet" and "Save to Google Wallet" links enrolment answers with. */
export interface WalletLinks {
  /** null when the deployment has no Apple pass type (or link key) configured. */
  appleWalletUrl: string | null;
  googleWalletUrl: string | null;
}

/**
 * Signs both links for a member (passes/download-links.ts). Given to the domain by its caller, as the
 * signing keys and the wallet configuration belong to the deployment, not to the core.
 */
export type WalletLinkSigner = (
  customer: Pick<Customer, "merchantId" | "passSerial">,
  now: Date,
) => Promise<WalletLinks>;

/** What a member gets where no wallet is configured (or no signer was given). */
export const noWalletLinks = async (): Promise<WalletLinks> => ({
  appleWalletUrl: null,
  googleWalletUrl: null,
});
