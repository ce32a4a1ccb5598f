/**
 * What the customer screen says about rewards: those the balance already covers (to redeem now), and the
 * next one to aim for with how far the balance is from it. Rewards as GET /v1/rewards lists them.
 */
export function rewardProgress(rewards, balance) {
  const active = rewards.filter((reward) => reward.status === "active");
  const covered = active.filter((reward) => reward.points <= balance).sort((a, b) => b.points - a.points);
  const next = active.filter((reward) => reward.points > balance).sort((a, b) => a.points - b.points)[0];
  return {
    covered,
    next: next ? { reward: next, missing: next.points - balance, ratio: balance / next.points } : undefined,
  };
}
