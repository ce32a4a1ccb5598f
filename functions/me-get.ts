import { walletLinks } from "../passes/download-links.ts";
import { listPrograms } from "../shared/merchants/directory.ts";
import { memberOverview } from "../shared/portal/member.ts";
import { runtimeDeps } from "../shared/runtime.ts";
import { readCustomer } from "../shared/store/customers/profile.ts";
import { tierProgressIn } from "../shared/tiers/progress.ts";
import { parse } from "./http/api.ts";
import { customerHandler } from "./http/customer.ts";
import { NoQuery } from "./http/params.ts";

/**
 * GET /v1/me: the customer's profile and balance, upcoming expiries, how each location earns points, and
 * signed links to add the card to Apple or Google Wallet, and what a friend joining with the member's code
 * earns both (the offer of the merchant's first program with referrals: what a join link without a location
 * gives, shared/referrals/join.ts `inviteOf`), for the portal's "Invite a friend".
 */
export const handler = customerHandler(async (request, member) => {
  parse(NoQuery, request.event.queryStringParameters, "query");
  const { db, clock } = runtimeDeps();
  const now = clock();
  const [overview, customer, programs] = await Promise.all([
    memberOverview(db, member, now, walletLinks),
    readCustomer(db, member.merchantId, member.customerId),
    listPrograms(db, member.merchantId),
  ]);
  // The overview answers 404 for a member who is gone; the tiers are read from the same profile, and from
  // the programs listed for the offer: no read round of their own.
  const tiers = customer ? tierProgressIn(programs, customer, now) : [];
  const offer = programs.find((program) => program.referrals)?.referrals;
  const referralOffer =
    offer && customer?.referralCode
      ? {
          referrerPoints: offer.referrerPoints,
          refereePoints: offer.refereePoints,
          qualifyWithinDays: offer.qualifyWithinDays,
        }
      : null;
  return { status: 200, body: { ...overview, tiers, referralOffer } };
});
