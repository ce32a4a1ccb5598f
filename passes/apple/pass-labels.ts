import type { PassLocale } from "./pass-view.ts";

/** Sentences take already formatted numbers and dates, so word order stays per language. */
export interface PassLabels {
  /** Intl locale used to format numbers and dates. */
  intlLocale: string;
  balance: string;
  /** Wallet replaces %@ with the new balance in the lock-screen notification. */
  balanceChanged: string;
  member: string;
  nextReward: string;
  rewardProgress: (points: string, cost: string, unit: string, reward: string) => string;
  rewardAvailable: (reward: string) => string;
  expiringPoints: string;
  pointsExpire: (points: string, unit: string, date: string, single: boolean) => string;
  pointUnit: (single: boolean) => string;
  entry: (signedPoints: string, unit: string, explanation: string) => string;
  /** The Google pass's module with the newest entry (the Apple pass's back lists several, by date). */
  lastEntry: string;
  howPointsWork: string;
  phone: string;
  email: string;
  website: string;
  portal: string;
  portalLink: string;
  updatedAt: string;
  /** The VIP level's label ("Gold" is its value). */
  tier: string;
  /** Wallet replaces %@ with the new level in the lock-screen notification. */
  tierChanged: string;
  /** The back's (and the Google pass's) progress, under this label. */
  tierProgress: string;
  /** "320 more points by 31 Mar to stay Gold": what keeps the level at its review. */
  tierToKeep: (points: string, single: boolean, date: string, tier: string) => string;
  /** "180 points to Silver": what the next level needs. */
  tierToReach: (points: string, single: boolean, tier: string) => string;
  /** The level is secured until its review (nothing more is needed by then). */
  tierKept: (tier: string, date: string) => string;
}

export const passLabels: Record<PassLocale, PassLabels> = {
  en: {
    // en-GB writes "31 Dec", the day-first order the product copy uses.
    intlLocale: "en-GB",
    balance: "Points",
    balanceChanged: "You now have %@ points",
    member: "Member",
    nextReward: "Next reward",
    rewardProgress: (points, cost, unit, reward) => `${points} / ${cost} ${unit} to ${reward}`,
    rewardAvailable: (reward) => `Reward available: ${reward}`,
    expiringPoints: "Expiring points",
    pointsExpire: (points, unit, date, single) =>
      `${points} ${unit} ${single ? "expires" : "expire"} on ${date}`,
    pointUnit: (single) => (single ? "pt" : "pts"),
    entry: (signedPoints, unit, explanation) => `${signedPoints} ${unit} · ${explanation}`,
    lastEntry: "Latest",
    howPointsWork: "How points work",
    phone: "Phone",
    email: "Email",
    website: "Website",
    portal: "Your account",
    portalLink: "Open my account",
    updatedAt: "Last updated",
    tier: "Tier",
    tierChanged: "You are now %@",
    tierProgress: "Your tier",
    tierToKeep: (points, single, date, tier) =>
      `${points} more ${single ? "point" : "points"} by ${date} to stay ${tier}`,
    tierToReach: (points, single, tier) => `${points} ${single ? "point" : "points"} to ${tier}`,
    tierKept: (tier, date) => `${tier} until ${date}`,
  },
  fr: {
    intlLocale: "fr-FR",
    balance: "Points",
    balanceChanged: "Vous avez maintenant %@ points",
    member: "Membre",
    nextReward: "Prochaine récompense",
    rewardProgress: (points, cost, unit, reward) => `${points} / ${cost} ${unit} pour ${reward}`,
    rewardAvailable: (reward) => `Récompense disponible : ${reward}`,
    expiringPoints: "Points qui expirent",
    pointsExpire: (points, unit, date, single) =>
      `${points} ${unit} ${single ? "expire" : "expirent"} le ${date}`,
    pointUnit: (single) => (single ? "pt" : "pts"),
    entry: (signedPoints, unit, explanation) => `${signedPoints} ${unit} · ${explanation}`,
    lastEntry: "Dernière opération",
    howPointsWork: "Comment fonctionnent les points",
    phone: "Téléphone",
    email: "E-mail",
    website: "Site web",
    portal: "Votre compte",
    portalLink: "Ouvrir mon compte",
    updatedAt: "Dernière mise à jour",
    tier: "Niveau",
    tierChanged: "Vous êtes maintenant %@",
    tierProgress: "Votre niveau",
    tierToKeep: (points, single, date, tier) =>
      `Encore ${points} ${single ? "point" : "points"} d'ici le ${date} pour rester ${tier}`,
    tierToReach: (points, single, tier) =>
      `Encore ${points} ${single ? "point" : "points"} pour devenir ${tier}`,
    tierKept: (tier, date) => `${tier} jusqu'au ${date}`,
  },
};
