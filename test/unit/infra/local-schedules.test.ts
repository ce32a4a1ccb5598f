import { Duration } from "aws-cdk-lib";
import type { Context, ScheduledEvent } from "aws-lambda";
import { afterEach, describe, expect, it, vi } from "vitest";
import { cronMatches, startLocalSchedules } from "../../../infra/local/schedules.ts";
import { BACKGROUND_FUNCTIONS } from "../../../infra/stack/background-functions.ts";

afterEach(() => {
  vi.useRealTimers();
});

describe("the local scheduler", () => {
  it("reads every cron the stack declares, at the minutes it names (UTC)", () => {
    const schedules = BACKGROUND_FUNCTIONS.flatMap((d) => (d.trigger.kind === "schedule" ? [d] : []));
    expect(schedules.map((d) => d.handler).sort()).toEqual(
      ["exports-job", "expiry-job", "imports-job", "webhooks-retry"].sort(),
    );
    const at = (iso: string) => new Date(iso);
    const expiry = schedules.find((d) => d.handler === "expiry-job");
    if (expiry?.trigger.kind !== "schedule") throw new Error("no expiry schedule");
    expect(cronMatches(expiry.trigger, at("2026-12-04T02:30:00.050Z"))).toBe(true);
    expect(cronMatches(expiry.trigger, at("2026-12-04T02:31:00.050Z"))).toBe(false);
    expect(cronMatches(expiry.trigger, at("2026-12-04T03:30:00.050Z"))).toBe(false);
    for (const d of schedules) {
      if (d.trigger.kind !== "schedule") continue;
      if (d.handler !== "expiry-job") expect(cronMatches(d.trigger, at("2026-12-04T17:41:00Z"))).toBe(true);
    }
    expect(() => cronMatches({ cron: { minute: "0/5" } }, at("2026-12-04T17:40:00Z"))).toThrow(/0\/5/);
  });

  it("runs a scheduled handler each matching minute with a scheduled event and its own timeout, never two at once", async () => {
    vi.useFakeTimers({ now: new Date("2026-12-04T10:00:30.000Z") });
    const runs: { event: ScheduledEvent; remaining: number }[] = [];
    let finish: (() => void) | undefined;
    const schedules = startLocalSchedules({
      definitions: [
        {
          handler: "every-minute",
          trigger: { kind: "schedule", cron: { minute: "*" }, description: "test" },
          timeout: Duration.minutes(15),
        },
      ],
      load: async () => async (event: ScheduledEvent, context: Context) => {
        runs.push({ event, remaining: context.getRemainingTimeInMillis() });
        await new Promise<void>((resolve) => {
          finish = resolve;
        });
      },
    });
    await vi.advanceTimersByTimeAsync(30_100); // 10:01:00.05
    expect(runs).toHaveLength(1);
    expect(runs[0]?.event).toMatchObject({
      "detail-type": "Scheduled Event",
      source: "aws.events",
      time: "2026-12-04T10:01:00.000Z",
    });
    expect(runs[0]?.remaining).toBeGreaterThan(14 * 60_000);
    await vi.advanceTimersByTimeAsync(60_000); // still running at 10:02: that minute is skipped
    expect(runs).toHaveLength(1);
    finish?.();
    await vi.advanceTimersByTimeAsync(60_000); // 10:03
    expect(runs.map((r) => r.event.time)).toEqual(["2026-12-04T10:01:00.000Z", "2026-12-04T10:03:00.000Z"]);
    finish?.();
    await schedules.close();
  });
});
