import { describe, expect, it } from "vitest";
import { rewardProgress } from "../../../web/scanner/rewards.js";

const reward = (id: string, points: number, status: "active" | "archived" = "active") => ({
  id,
  name: id,
  points,
  status,
});

describe("rewardProgress", () => {
  const rewards = [
    reward("coffee", 20),
    reward("cake", 50),
    reward("old", 30, "archived"),
    reward("lunch", 120),
  ];

  it("names the cheapest reward the balance does not cover, and how far it is", () => {
    expect(rewardProgress(rewards, 23)).toEqual({
      covered: [reward("coffee", 20)],
      next: { reward: reward("cake", 50), missing: 27, ratio: 23 / 50 },
    });
  });

  it("lists what the balance covers, dearest first, and never an archived reward", () => {
    const { covered, next } = rewardProgress(rewards, 60);
    expect(covered.map((r) => r.id)).toEqual(["cake", "coffee"]);
    expect(next?.reward.id).toBe("lunch");
    expect(rewardProgress(rewards, 200).next).toBeUndefined();
    expect(rewardProgress([], 10)).toEqual({ covered: [], next: undefined });
  });
});
