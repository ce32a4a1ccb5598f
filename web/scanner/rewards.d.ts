// Types for the tests (test/unit/scanner/), which import the browser module as it is served.
export interface RewardLike {
  id: string;
  name: string;
  points: number;
  status: "active" | "archived";
}
export function rewardProgress<R extends RewardLike>(
  rewards: readonly R[],
  balance: number,
): { covered: R[]; next: { reward: R; missing: number; ratio: number } | undefined };
