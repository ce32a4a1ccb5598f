import { get } from "./client.js";
import { html } from "./html.js";
import { formatDateTime, formatPoints, translator } from "./i18n.js";
import { ErrorMessage, Loading, useLoad } from "./ui.js";

/**
 * Whether what the merchant tells a customer reaches them: the reachability GET /v1/customers/{id} reports
 * ("no e-mail", "bounced", wallet devices) and the recent notifications with what each channel did
 * (GET …/notifications). Message contents are never kept, so none is shown.
 */

export const WORDS = {
  en: {
    reach: "Reaching the customer",
    email_ok: "E-mail: delivered to their address",
    email_missing: "E-mail: no e-mail address",
    email_no_consent: "E-mail: has not agreed to e-mails",
    email_bounced: "E-mail: bounced (the address was refused); ask for a new one",
    devices: "Apple Wallet: {count} device(s) receive the pass's updates",
    reachable: "Notifications can reach this customer.",
    unreachable:
      "Nothing can reach this customer: ask for an up-to-date e-mail address, or to add the card to Apple Wallet.",
    notifications: "Notifications",
    caption: "Recent notifications, newest first (contents are not kept)",
    none: "No notification has been sent to this customer yet.",
    when: "When",
    moment: "Moment",
    status: "Status",
    channels: "Channels",
    attempts: "{count} attempt(s)",
    moment_points_earned: "Points earned",
    moment_points_added: "Points added",
    moment_reward_unlocked: "Reward unlocked",
    moment_points_expiring: "Points expiring",
    moment_points_expired: "Points expired",
    moment_redemption_refunded: "Redemption refunded",
    moment_claim_decided: "Claim decided",
    moment_welcome: "Welcome",
    moment_tier_reached: "Tier reached",
    status_pending: "Waiting",
    status_sending: "Sending",
    status_sent: "Sent",
    status_skipped: "Not sent",
    status_failed: "Failed, will be retried",
    status_dead: "Given up",
    channel_email: "E-mail",
    channel_google_wallet: "Google Wallet",
    channelStatus_sent: "sent",
    channelStatus_skipped: "skipped",
    channelStatus_failed: "failed",
    channelStatus_rejected: "refused",
    why_switched_off: "the Moment is switched off",
    why_no_channel: "no channel reaches the customer",
    why_no_customer: "the customer no longer exists",
    why_nothing_to_expire: "nothing left to expire",
    why_missing: "no address",
    why_no_consent: "no consent",
    why_bounced: "bounced",
    why_no_pass: "no pass saved",
    why_not_configured: "not set up",
  },
  fr: {
    reach: "Joindre le client",
    email_ok: "E-mail : remis à son adresse",
    email_missing: "E-mail : aucune adresse e-mail",
    email_no_consent: "E-mail : n'a pas accepté les e-mails",
    email_bounced: "E-mail : rejeté (l'adresse a été refusée) ; demandez-en une nouvelle",
    devices: "Apple Wallet : {count} appareil(s) reçoivent les mises à jour de la carte",
    reachable: "Les notifications peuvent joindre ce client.",
    unreachable:
      "Rien ne peut joindre ce client : demandez une adresse e-mail à jour, ou d'ajouter la carte à Apple Wallet.",
    notifications: "Notifications",
    caption: "Notifications récentes, les plus récentes en premier (le contenu n'est pas conservé)",
    none: "Aucune notification n'a encore été envoyée à ce client.",
    when: "Date",
    moment: "Moment",
    status: "État",
    channels: "Canaux",
    attempts: "{count} tentative(s)",
    moment_points_earned: "Points gagnés",
    moment_points_added: "Points ajoutés",
    moment_reward_unlocked: "Récompense débloquée",
    moment_points_expiring: "Points bientôt expirés",
    moment_points_expired: "Points expirés",
    moment_redemption_refunded: "Échange remboursé",
    moment_claim_decided: "Réclamation traitée",
    moment_welcome: "Bienvenue",
    moment_tier_reached: "Niveau atteint",
    status_pending: "En attente",
    status_sending: "Envoi en cours",
    status_sent: "Envoyée",
    status_skipped: "Non envoyée",
    status_failed: "Échec, nouvel essai prévu",
    status_dead: "Abandonnée",
    channel_email: "E-mail",
    channel_google_wallet: "Google Wallet",
    channelStatus_sent: "envoyé",
    channelStatus_skipped: "ignoré",
    channelStatus_failed: "échec",
    channelStatus_rejected: "refusé",
    why_switched_off: "le Moment est désactivé",
    why_no_channel: "aucun canal ne joint le client",
    why_no_customer: "le client n'existe plus",
    why_nothing_to_expire: "plus rien à expirer",
    why_missing: "pas d'adresse",
    why_no_consent: "pas de consentement",
    why_bounced: "rejeté",
    why_no_pass: "carte non enregistrée",
    why_not_configured: "non configuré",
  },
};
const t = translator(WORDS);

/** A reason code in words when the console knows it, else the code itself (an error code). */
const why = (reason) => (reason ? (WORDS.en[`why_${reason}`] ? t(`why_${reason}`) : reason) : "");

export function Reachability({ reachability }) {
  return html`<div class="card" id="reachability">
    <h2>${t("reach")}</h2>
    <p class=${reachability.reachable ? "" : "warning"}>${t(reachability.reachable ? "reachable" : "unreachable")}</p>
    <ul class="plain">
      <li>${t(`email_${reachability.email}`)}</li>
      <li>${t("devices", { count: formatPoints(reachability.appleWalletDevices) })}</li>
    </ul>
  </div>`;
}

export function Notifications({ customerId, version }) {
  const list = useLoad(
    () => get(`/v1/customers/${encodeURIComponent(customerId)}/notifications`, { limit: 20 }),
    [customerId, version],
  );
  const rows = list.data?.notifications ?? [];
  return html`<section aria-labelledby="notifications-h">
    <h2 id="notifications-h">${t("notifications")}</h2>
    ${list.loading && !list.data ? html`<${Loading} />` : null}
    <${ErrorMessage} error=${list.error} onRetry=${list.reload} />
    ${list.data && rows.length === 0 ? html`<p class="muted">${t("none")}</p>` : null}
    ${
      rows.length
        ? html`<table id="notifications">
          <caption>${t("caption")}</caption>
          <thead><tr><th scope="col">${t("when")}</th><th scope="col">${t("moment")}</th><th scope="col">${t("status")}</th><th scope="col">${t("channels")}</th></tr></thead>
          <tbody>
            ${rows.map(
              (item) => html`<tr key=${item.id}>
                <td><time datetime=${item.createdAt}>${formatDateTime(item.createdAt)}</time></td>
                <td>${t(`moment_${item.moment}`)}</td>
                <td>${t(`status_${item.status}`)}${item.reason ? ` (${why(item.reason)})` : ""}
                  ${item.attempts > 1 ? html`<br /><span class="muted">${t("attempts", { count: item.attempts })}</span>` : null}
                  ${item.lastError ? html`<br /><span class="muted">${item.lastError}</span>` : null}</td>
                <td>${
                  item.channels.length
                    ? html`<ul class="plain">${item.channels.map(
                        (channel) =>
                          html`<li>${t(`channel_${channel.channel}`)}: ${t(`channelStatus_${channel.status}`)}${channel.reason ? ` (${why(channel.reason)})` : ""}</li>`,
                      )}</ul>`
                    : ""
                }</td>
              </tr>`,
            )}
          </tbody>
        </table>`
        : null
    }
  </section>`;
}
