import type { RefundOutcome, RewardDiscount } from "../../model.ts";
import type { Rounding } from "../../programs/rules.ts";
import type { ManualReason } from "../../transactions/manual.ts";
import type { Wording } from "./wording.ts";

/** French, rebuilt from the same facts as the English recorded on each entry (./en.ts). */

/** Decimal comma; "≈2.8333" → "≈2,8333". */
const number = (text: string) => text.replace(".", ",");
// French counts 0 and 1 in the singular.
const single = (n: number) => Math.abs(n) <= 1;
const points = (n: number) => `${n} ${single(n) ? "point" : "points"}`;
const signed = (n: number) => `${n > 0 ? "+" : "−"}${points(Math.abs(n))}`;
const agree = (n: number, one: string, other: string) => (single(n) ? one : other);

const ROUNDING: Record<Rounding, string> = {
  down: "arrondi à l'inférieur",
  up: "arrondi au supérieur",
  nearest: "arrondi au point le plus proche",
};

const REASONS: Record<ManualReason, string> = {
  missed_scan: "passage non scanné",
  wrong_amount: "mauvais montant saisi",
  goodwill: "geste commercial",
  correction: "correction",
  other: "autre",
};

const REFUND_MESSAGES: Record<RefundOutcome, string> = {
  revoked_and_refunded: "Le coupon a été révoqué et les points rendus.",
  refunded_not_revoked:
    "La récompense a été supprimée : le coupon n'a pas pu être révoqué et reste tel quel.",
  refunded_after_use: "Le coupon avait déjà été utilisé : la remise obtenue n'est pas annulée.",
  refunded_usage_unknown: "Ce coupon n'est pas suivi : on ne peut pas savoir s'il a été ou sera utilisé.",
};

function discount(d: RewardDiscount): string {
  switch (d.kind) {
    case "fixed_amount":
      return `${number(d.amount)} ${d.currency} de remise`;
    case "percentage":
      return `${d.percent} % de remise`;
    case "free_product":
      return `${d.product} offert`;
  }
}

export const FR = {
  purchase: (p) =>
    `${number(p.amount)} ${p.currency} × ${points(p.rule.points)} par ${number(p.rule.per)} ${p.currency}${p.tier ? ` × ${number(p.tier.multiplier)} (${p.tier.name})` : ""} = ${number(p.raw)}${p.rounded ? `, ${ROUNDING[p.rule.rounding]}` : ""} → ${points(p.points)}`,
  visit: (p) =>
    p.tier
      ? `1 visite × ${points(p.pointsPerVisit)} par visite × ${number(p.tier.multiplier)} (${p.tier.name}) = ${number(p.tier.raw)}${p.tier.rounded ? `, ${ROUNDING.down}` : ""} → ${points(p.points)}`
      : `1 visite × ${points(p.pointsPerVisit)} par visite → ${points(p.points)}`,
  manual: (p) =>
    `${p.points > 0 ? "Ajouté" : "Retiré"} à la main${p.on ? ` pour le ${p.on}` : ""} : ${signed(p.points)} (${REASONS[p.reason]})`,
  claimApproved: (n) => `Réclamation acceptée : ${signed(n)}`,
  redemption: (p) =>
    `${points(p.points)} ${agree(p.points, "échangé", "échangés")} contre « ${p.rewardName} » (${discount(p.discount)})`,
  refund: (p) =>
    `Échange de « ${p.rewardName} » annulé : ${points(p.points)} ${agree(p.points, "rendu", "rendus")}. ${REFUND_MESSAGES[p.outcome]}`,
  reversal: (p) => {
    const earned = points(p.earned);
    const arithmetic = p.whole
      ? `Retour de la totalité de l'achat de ${number(p.purchaseAmount)} ${p.currency} → ${single(p.earned) ? earned : `les ${earned}`} repris`
      : `Retour de ${number(p.amount)} ${p.currency} sur un achat de ${number(p.purchaseAmount)} ${p.currency}${p.returnedInAll ? ` (${number(p.returnedInAll)} ${p.currency} retournés au total)` : ""} : ${earned} × ${number(p.returnedNow)} ÷ ${number(p.purchaseAmount)} = ${number(p.raw)}${p.rounding ? `, ${ROUNDING[p.rounding]}` : ""} → ${points(p.due)}${p.takenBefore === 0 ? "" : ` ; ${p.takenBefore} déjà repris → ${points(p.points)}`}`;
    return p.shortfall > 0
      ? `${arithmetic} ; le solde couvrait ${points(p.taken)}, ${p.shortfall} n'${agree(p.shortfall, "a", "ont")} pas pu être repris (manque)`
      : arithmetic;
  },
  expiry: (p) =>
    p.policy === "inactivity"
      ? `${points(p.points)} ${agree(p.points, "expiré", "expirés")} le ${p.on} : aucun point gagné pendant ${p.days} jours depuis le ${p.since}`
      : `${points(p.points)} ${agree(p.points, "expiré", "expirés")} le ${p.on} : ${p.lots.map((lot) => `${lot.points} à échéance du ${lot.due}`).join(", ")}`,
  tierChange: (p) =>
    p.direction === "promotion"
      ? `Passage de ${p.from} à ${p.to} : ${points(p.qualifying)} ${agree(p.qualifying, "qualifiant", "qualifiants")} de ${p.firstMonth} à ${p.lastMonth} (${p.to} dès ${p.threshold})`
      : `Passage de ${p.from} à ${p.to} : ${points(p.qualifying)} ${agree(p.qualifying, "qualifiant", "qualifiants")} de ${p.firstMonth} à ${p.lastMonth}, sous les ${p.threshold} qu'il faut pour ${p.from}`,
  tierReward: (p) =>
    `Bienvenue au niveau ${p.level} : ${points(p.points)} ${agree(p.points, "offert", "offerts")} pour l'avoir atteint`,
  import: (p) => `Solde repris de ${p.platform} le ${p.on}`,
  referralReward: (p) =>
    p.role === "referrer"
      ? `Parrainage : un ami que vous avez parrainé a adhéré le ${p.joinedOn} et fait un premier achat le ${p.qualifiedOn} → ${points(p.points)}`
      : `Parrainage : vous avez adhéré avec le code d'un ami le ${p.joinedOn} et fait un premier achat le ${p.qualifiedOn} → ${points(p.points)}`,
  referralReversal: (p) => {
    const why =
      p.cause === "purchase_returned" ? "l'achat qualifiant a été retourné" : "annulé par le commerçant";
    const taken = `Parrainage annulé (${why}) : ${single(p.reward) ? "le point donné repris" : `les ${points(p.reward)} donnés repris`}`;
    return p.shortfall > 0
      ? `${taken} ; le solde couvrait ${points(p.taken)}, ${p.shortfall} n'${agree(p.shortfall, "a", "ont")} pas pu être repris (manque)`
      : taken;
  },
  summary: {
    purchase: (n) => `Achat : ${signed(n)}`,
    visit: (n) => `Visite : ${signed(n)}`,
    manual: (n) => `${n > 0 ? "Ajouté" : "Retiré"} à la main : ${signed(n)}`,
    redemption: (n) => `Échangé contre une récompense : ${signed(n)}`,
    refund: (n) => `Échange annulé, points rendus : ${signed(n)}`,
    reversal: (n) => `Achat retourné, points repris : ${signed(n)}`,
    expiry: (n) => `Points expirés : ${signed(n)}`,
    tier_change: () => "Changement de niveau",
    tier_reward: (n) => `Récompense de niveau : ${signed(n)}`,
    import: (n) => `Solde repris : ${signed(n)}`,
    referral_reward: (n) => `Parrainage : ${signed(n)}`,
    referral_reversal: (n) => `Parrainage annulé : ${signed(n)}`,
  },
  rule: (rule) => {
    if (rule.kind === "visit") {
      const gap =
        rule.minMinutesBetweenVisits > 0
          ? ` (au plus une visite toutes les ${rule.minMinutesBetweenVisits} minutes)`
          : "";
      return `${points(rule.pointsPerVisit)} par visite${gap}`;
    }
    return `${points(rule.points)} par tranche de ${number(rule.per)} ${rule.currency} dépensée, ${ROUNDING[rule.rounding]}`;
  },
  discount,
} satisfies Wording;
