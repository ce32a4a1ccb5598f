import { useEffect, useRef, useState } from "preact/hooks";
import { get } from "./client.js";
import { html } from "./html.js";
import { formatDateTime, formatPoints, translator } from "./i18n.js";
import {
  alreadyRefundedText,
  outcomeText,
  RefundDialog,
  refundLabel,
  situationOf,
} from "./redemption-refund.js";
import { href } from "./router.js";
import { canUseLocation, useSession } from "./session.js";
import { ApiText, ErrorMessage, Loading, Page, useLoad } from "./ui.js";

/**
 * A redemption (GET /v1/redemptions/{id}): the reward as it was redeemed, its coupon and what became of
 * it, the customer, and Refund points for a role holding `redemptions:refund` at its location.
 */

export const WORDS = {
  en: {
    title: "Redemption: {reward}",
    titleLoading: "Redemption",
    reward: "Reward",
    code: "Coupon code",
    coupon: "Coupon",
    status_issued: "Not used",
    status_used: "Used",
    status_revoked: "Revoked",
    usedOn: "Used on {date}",
    usedAtLocation: "Used on {date} at {location}",
    revokedOn: "Revoked on {date}",
    untracked: "Not tracked: whether it is used cannot be known",
    external: "Kept by your online shop",
    internal: "Kept by the loyalty programme",
    rewardDeleted: "This reward has since been deleted.",
    points: "Points spent",
    customer: "Customer",
    redeemed: "Redeemed",
    redeemedAt: "{date} at {location}",
    refund: "Refund",
    refundedOn: "Refunded on {date}",
    notRefunded: "Not refunded",
    refundNote: "Note: {note}",
    outcome_revoked_and_refunded: "The coupon was revoked and the {points} points were given back.",
    outcome_refunded_not_revoked: "The {points} points were given back; the coupon could not be revoked.",
    outcome_refunded_after_use:
      "The {points} points were given back after the coupon was used; the discount was not undone.",
    outcome_refunded_usage_unknown:
      "The {points} points were given back; whether the coupon was used cannot be known.",
  },
  fr: {
    title: "Échange : {reward}",
    titleLoading: "Échange de points",
    reward: "Récompense",
    code: "Code du coupon",
    coupon: "Coupon",
    status_issued: "Pas utilisé",
    status_used: "Utilisé",
    status_revoked: "Révoqué",
    usedOn: "Utilisé le {date}",
    usedAtLocation: "Utilisé le {date} à {location}",
    revokedOn: "Révoqué le {date}",
    untracked: "Non suivi : on ne peut pas savoir s'il a servi",
    external: "Géré par votre boutique en ligne",
    internal: "Géré par le programme de fidélité",
    rewardDeleted: "Cette récompense a depuis été supprimée.",
    points: "Points dépensés",
    customer: "Client",
    redeemed: "Échangé",
    redeemedAt: "{date} à {location}",
    refund: "Remboursement",
    refundedOn: "Remboursé le {date}",
    notRefunded: "Pas remboursé",
    refundNote: "Note : {note}",
    outcome_revoked_and_refunded: "Le coupon a été révoqué et les {points} points ont été rendus.",
    outcome_refunded_not_revoked: "Les {points} points ont été rendus ; le coupon n'a pas pu être révoqué.",
    outcome_refunded_after_use:
      "Les {points} points ont été rendus après l'utilisation du coupon ; la remise n'a pas été annulée.",
    outcome_refunded_usage_unknown:
      "Les {points} points ont été rendus ; on ne peut pas savoir si le coupon a servi.",
  },
};
const t = translator(WORDS);

/** The redemption, its customer, the names of the locations, and whether its reward has been deleted. */
async function loadRedemption(redemptionId) {
  const { redemption } = await get(`/v1/redemptions/${encodeURIComponent(redemptionId)}`);
  const [customer, archived, locations] = await Promise.all([
    get(`/v1/customers/${encodeURIComponent(redemption.customerId)}`).then((body) => body.customer),
    get("/v1/rewards", { status: "archived" }),
    get("/v1/locations"),
  ]);
  return {
    redemption,
    customer,
    rewardDeleted: archived.rewards.some((reward) => reward.id === redemption.rewardId),
    locationName: (id) => locations.locations.find((location) => location.id === id)?.name ?? id,
  };
}

function CouponStatus({ redemption, locationName }) {
  const { status, usedAt, usedLocationId, revokedAt } = redemption;
  let detail = "";
  if (status === "used" && usedAt)
    detail = usedLocationId
      ? t("usedAtLocation", { date: formatDateTime(usedAt), location: locationName(usedLocationId) })
      : t("usedOn", { date: formatDateTime(usedAt) });
  if (status === "revoked" && revokedAt) detail = t("revokedOn", { date: formatDateTime(revokedAt) });
  return html`<span class="badge" id="coupon-status">${t(`status_${status}`)}</span>
    ${detail ? html` ${detail}` : null}
    <br /><span class="muted">${t(redemption.issuer)}</span>
    ${redemption.tracking === "untracked" ? html`<br /><span class="warning-text">${t("untracked")}</span>` : null}`;
}

function RefundFacts({ redemption }) {
  const { refund } = redemption;
  if (!refund) return html`${t("notRefunded")}`;
  return html`<span id="refund-done">${t("refundedOn", { date: formatDateTime(refund.at) })}</span><br />
    ${t(`outcome_${refund.outcome}`, { points: formatPoints(redemption.points) })}
    ${refund.note ? html`<br /><span class="muted">${t("refundNote", { note: refund.note })}</span>` : null}`;
}

export default function RedemptionPage({ params }) {
  const session = useSession();
  const loaded = useLoad(() => loadRedemption(params.redemptionId), [params.redemptionId]);
  const [dialog, setDialog] = useState({ open: false, opening: 0 });
  const [message, setMessage] = useState(undefined);
  const status = useRef(null);
  // Once the decided item is drawn again (its buttons gone), the outcome takes the focus.
  const focusOutcome = useRef(false);
  useEffect(() => {
    if (!focusOutcome.current || loaded.loading) return;
    focusOutcome.current = false;
    status.current?.focus();
  }, [loaded.loading, message]);

  // While another redemption loads, the previous one is not shown as if it were this one.
  const data = loaded.data?.redemption.id === params.redemptionId ? loaded.data : undefined;
  if (!data) {
    return html`<${Page} title=${t("titleLoading")}>
      ${loaded.loading ? html`<${Loading} />` : null}
      <${ErrorMessage} error=${loaded.error} onRetry=${loaded.reload} />
    <//>`;
  }
  const { redemption, customer, rewardDeleted, locationName } = data;
  const mayRefund =
    session.can("redemptions:refund") &&
    canUseLocation(session, redemption.locationId) &&
    situationOf(redemption, rewardDeleted) !== "refunded";

  const done = ({ result, refundedAt }) => {
    setDialog((current) => ({ ...current, open: false }));
    setMessage(
      result
        ? {
            redemptionId: redemption.id,
            kind: "success",
            text: outcomeText(result.outcome, result.entry.points, result.entry.balanceAfter),
          }
        : { redemptionId: redemption.id, kind: "notice", text: alreadyRefundedText(refundedAt) },
    );
    loaded.reload();
    focusOutcome.current = true;
  };

  const open = () => {
    setMessage(undefined);
    setDialog((current) => ({ open: true, opening: current.opening + 1 }));
  };

  return html`<${Page}
    title=${t("title", { reward: redemption.reward.name })}
    actions=${mayRefund ? html`<button type="button" class="primary" onClick=${open}>${refundLabel()}</button>` : null}
  >
    <div role="status" tabindex="-1" ref=${status} class="redemption-status">
      ${message?.redemptionId === redemption.id ? html`<p class=${message.kind} id="refund-after">${message.text}</p>` : null}
    </div>
    <${ErrorMessage} error=${loaded.error} onRetry=${loaded.reload} />
    <dl class="facts">
      <dt>${t("reward")}</dt>
      <dd>${redemption.reward.name} — <span class="muted"><${ApiText} text=${redemption.reward.description} /></span>
        ${rewardDeleted ? html`<br /><span class="warning-text">${t("rewardDeleted")}</span>` : null}</dd>
      <dt>${t("code")}</dt>
      <dd><code>${redemption.code}</code></dd>
      <dt>${t("coupon")}</dt>
      <dd><${CouponStatus} redemption=${redemption} locationName=${locationName} /></dd>
      <dt>${t("points")}</dt>
      <dd>${formatPoints(redemption.points)}</dd>
      <dt>${t("customer")}</dt>
      <dd><a href=${href(`/customers/${encodeURIComponent(customer.id)}`)}>${customer.name}</a></dd>
      <dt>${t("redeemed")}</dt>
      <dd>${t("redeemedAt", { date: formatDateTime(redemption.createdAt), location: locationName(redemption.locationId) })}</dd>
      <dt>${t("refund")}</dt>
      <dd><${RefundFacts} redemption=${redemption} /></dd>
    </dl>
    <${RefundDialog}
      key=${dialog.opening}
      open=${dialog.open}
      redemption=${redemption}
      rewardDeleted=${rewardDeleted}
      onClose=${() => setDialog((current) => ({ ...current, open: false }))}
      onDone=${done}
    />
  <//>`;
}
