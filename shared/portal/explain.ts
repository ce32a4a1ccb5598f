import type { LedgerEntry } from "../model.ts";
import { currencyMinorUnits, formatDecimal, parseDecimal, pow10 } from "../money.ts";
import { describeRule, type EarnRule, type Rounding } from "../programs/rules.ts";

/**
 * What the portal shows a customer, in their language. Entries keep their recorded English explanation
 * (it is part of the hashed, signed record); French customers also get it rebuilt in French from the
 * entry's own data, so both say the same thing.
 */

export type Locale = "fr" | "en";

const ROUNDING_FR: Record<Rounding, string> = {
  down: "arrondi à l'inférieur",
  up: "arrondi au supérieur",
  nearest: "arrondi au point le plus proche",
};

const REASON_FR: Record<string, string> = {
  missed_scan: "passage non scanné",
  wrong_amount: "mauvais montant saisi",
  goodwill: "geste commercial",
  correction: "correction",
  other: "autre",
};

const frNumber = (text: string) => text.replace(".", ",");
const frPoints = (n: number) => `${n} ${Math.abs(n) <= 1 ? "point" : "points"}`;
const signed = (n: number) => `${n > 0 ? "+" : "−"}${frPoints(Math.abs(n))}`;

export function describeRuleIn(rule: EarnRule, locale: Locale): string {
  if (locale === "en") return describeRule(rule);
  if (rule.kind === "visit") {
    const gap =
      rule.minMinutesBetweenVisits > 0
        ? ` (au plus une visite toutes les ${rule.minMinutesBetweenVisits} minutes)`
        : "";
    return `${frPoints(rule.pointsPerVisit)} par visite${gap}`;
  }
  return `${frPoints(rule.points)} par tranche de ${frNumber(rule.per)} ${rule.currency} dépensée, ${ROUNDING_FR[rule.rounding]}`;
}

/** "23,40 EUR × 1 point par 1,00 EUR = 23,4, arrondi à l'inférieur → 23 points", from the entry's inputs. */
function purchaseFr(entry: LedgerEntry, rule: Extract<EarnRule, { kind: "purchase" }>): string | undefined {
  const amount = entry.inputs.amount ? parseDecimal(entry.inputs.amount) : undefined;
  if (!amount || entry.raw === undefined) return undefined;
  const minor = currencyMinorUnits(rule.currency) ?? amount.scale;
  const shown = formatDecimal({
    units: amount.units * pow10(Math.max(0, minor - amount.scale)),
    scale: Math.max(minor, amount.scale),
  });
  const rounded = entry.raw === String(entry.points) ? "" : `, ${ROUNDING_FR[rule.rounding]}`;
  return `${frNumber(shown)} ${rule.currency} × ${frPoints(rule.points)} par ${frNumber(rule.per)} ${rule.currency} = ${frNumber(entry.raw)}${rounded} → ${frPoints(entry.points)}`;
}

function explainFr(entry: LedgerEntry): string | undefined {
  const rule = entry.rule;
  switch (entry.type) {
    case "purchase":
      return rule?.kind === "purchase" ? purchaseFr(entry, rule) : undefined;
    case "visit":
      return rule?.kind === "visit"
        ? `1 visite × ${frPoints(rule.pointsPerVisit)} par visite → ${frPoints(entry.points)}`
        : undefined;
    case "manual": {
      if (entry.refs?.claimId) return `Réclamation acceptée : ${signed(entry.points)}`;
      const when = entry.occurredAt ? ` pour le ${entry.occurredAt.slice(0, 10)}` : "";
      const verb = entry.points > 0 ? "Ajouté à la main" : "Retiré à la main";
      const reason = entry.reason ? ` (${REASON_FR[entry.reason] ?? entry.reason})` : "";
      return `${verb}${when} : ${signed(entry.points)}${reason}`;
    }
    case "redemption":
      return `Échangé contre une récompense : ${signed(entry.points)}`;
    case "refund":
      return `Échange annulé, points rendus : ${signed(entry.points)}`;
    case "reversal":
      return `Achat retourné, points repris : ${signed(entry.points)}`;
    case "expiry":
      return `Points expirés : ${signed(entry.points)}`;
  }
}

export function explainEntryIn(entry: LedgerEntry, locale: Locale): string {
  if (locale === "en") {
    return entry.type === "manual" && entry.refs?.claimId
      ? `Claim approved: ${entry.points > 0 ? "+" : "−"}${Math.abs(entry.points)} points`
      : entry.explanation;
  }
  return explainFr(entry) ?? entry.explanation;
}
