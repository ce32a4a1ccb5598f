import { AlreadySignedIn, type SignInDirectory } from "../auth/sign-in-directory.ts";
import type { Clock } from "../clock.ts";
import { newId } from "../ids.ts";
import type { Location, Merchant, Program, Staff } from "../model.ts";
import type { Db } from "../store/db/client.ts";
import { TransactionCancelled, transact } from "../store/db/transact.ts";
import { newLocationItem } from "../store/merchants/locations.ts";
import { newMerchantItem, readMerchant } from "../store/merchants/merchant.ts";
import { programVersionItems } from "../store/merchants/programs.ts";
import { claimSignup } from "../store/merchants/signups.ts";
import { newStaffItem, readStaff } from "../store/merchants/staff.ts";
import { idFromRequest, provideSignIn } from "./staff-sign-in.ts";

export interface NewMerchantAccount {
  businessName: string;
  ownerName: string;
  ownerEmail: string;
  /** ISO 3166-1 alpha-2. */
  country: string;
  /** ISO 4217; the first program's currency. */
  currency: string;
  locale: "fr" | "en";
}

export interface MerchantAccountDeps {
  db: Db;
  clock: Clock;
  directory: SignInDirectory;
}

export interface MerchantAccount {
  merchantId: string;
  ownerStaffId: string;
  locationId: string;
  programId: string;
  /** False when the address had started this merchant before (nothing new was made). */
  created: boolean;
}

/** Sign-up's first program: 1 point per currency unit, rounded down, no expiry; the owner changes it. */
export const FIRST_PROGRAM_RULE = { kind: "purchase", points: 1, per: "1.00", rounding: "down" } as const;

const FIRST_NAMES = {
  fr: { location: "Boutique principale", program: "Points fidélité" },
  en: { location: "Main shop", program: "Loyalty points" },
} as const;

/**
 * A merchant, ready to use: its record, a first location with a purchase program, and its owner, whose
 * sign-in gets Cognito's invitation e-mail (a temporary password to replace). The one way merchants are
 * made: by the operator (`npm run merchant:create`, active at once) and by a public sign-up ("signup":
 * pending until the owner has signed in, shared/auth/principal.ts). Signing keys are made on first use.
 *
 * The owner's address is claimed first (shared/store/merchants/signups.ts) and every id follows from the
 * claim, so the same address twice, or a retry after a failure half-way, finishes the same merchant and
 * never makes a second. Asked again for a merchant that exists, it makes nothing; for a sign-up whose
 * owner has not signed in yet, it sends the invitation again (to the owner's address, not the caller).
 * @throws DomainError conflict when the address already signs in elsewhere.
 */
export async function createMerchantAccount(
  deps: MerchantAccountDeps,
  input: NewMerchantAccount,
  origin: "operator" | "signup",
): Promise<MerchantAccount> {
  const { db, directory } = deps;
  const email = input.ownerEmail.toLowerCase();
  const now = deps.clock();
  const claim = await claimSignup(db, email, {
    merchantId: newId("mer", now),
    ownerStaffId: newId("staff", now),
    createdAt: now.toISOString(),
  });
  const { merchantId, ownerStaffId } = claim;
  const account = {
    merchantId,
    ownerStaffId,
    locationId: idFromRequest("loc", merchantId, "first"),
    programId: idFromRequest("prog", merchantId, "first"),
  };

  if (await readMerchant(db, merchantId, true)) {
    const owner = await readStaff(db, merchantId, ownerStaffId, true);
    if (origin === "signup" && owner?.signInUser) await resendIfUnused(directory, owner.signInUser);
    return { ...account, created: false };
  }

  const signIn = await provideSignIn(deps, { merchantId, staffId: ownerStaffId, email, role: "owner" });
  const at = now.toISOString();
  const merchant: Merchant = {
    id: merchantId,
    name: input.businessName,
    country: input.country,
    currency: input.currency,
    locale: input.locale,
    status: origin === "signup" ? "pending" : "active",
    createdAt: at,
  };
  const program: Program = {
    merchantId,
    id: account.programId,
    name: FIRST_NAMES[input.locale].program,
    version: 1,
    rule: { ...FIRST_PROGRAM_RULE, currency: input.currency },
    updatedAt: at,
  };
  const location: Location = {
    merchantId,
    id: account.locationId,
    name: FIRST_NAMES[input.locale].location,
    programId: program.id,
    createdAt: at,
  };
  const owner: Staff = {
    merchantId,
    id: signIn.staffId,
    name: input.ownerName,
    role: "owner",
    locationIds: "*",
    email,
    signInUser: signIn.username,
    active: true,
    createdAt: at,
  };
  try {
    await transact(db, [
      newMerchantItem(db, merchant),
      ...programVersionItems(db, program),
      newLocationItem(db, location),
      newStaffItem(db, owner),
    ]);
  } catch (error) {
    // Another request for the same address got there first: the merchant is made, once.
    if (error instanceof TransactionCancelled && error.failed.includes("merchant")) {
      return { ...account, created: false };
    }
    throw error;
  }
  return { ...account, created: true };
}

async function resendIfUnused(directory: SignInDirectory, username: string): Promise<void> {
  try {
    await directory.resendInvitation(username);
  } catch (error) {
    if (!(error instanceof AlreadySignedIn)) throw error;
  }
}
