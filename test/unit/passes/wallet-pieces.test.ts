import { describe, expect, it } from "vitest";
import {
  type AuthenticatedPass,
  notModifiedSince,
  passChangedAt,
  passLastModified,
} from "../../../passes/apple/web-service.ts";
import { signedAppleDownloadUrl, verifyAppleDownload } from "../../../passes/download-links.ts";
import { nextReward } from "../../../passes/member-pass.ts";
import { readWalletConfig } from "../../../passes/wallet-config.ts";
import type { Reward } from "../../../shared/model.ts";
import { nextUpdateTime, updateTagOf } from "../../../shared/store/passes.ts";

describe("a pass's update time", () => {
  it("is now to the second, and always at least a second after the previous one", () => {
    expect(nextUpdateTime(undefined, new Date("2026-03-01T10:00:00.900Z"))).toBe("2026-03-01T10:00:00.000Z");
    // Two changes inside one second: the second one still moves Last-Modified (HTTP dates have no milliseconds).
    expect(nextUpdateTime("2026-03-01T10:00:00.000Z", new Date("2026-03-01T10:00:00.700Z"))).toBe(
      "2026-03-01T10:00:01.000Z",
    );
    expect(nextUpdateTime("2026-03-01T10:00:00.000Z", new Date("2026-03-01T10:05:00.100Z"))).toBe(
      "2026-03-01T10:05:00.000Z",
    );
    expect(updateTagOf("2026-03-01T10:00:01.000Z")).toBe("1772359201");
  });

  it("answers If-Modified-Since at or after it with 'not modified', before it or unreadable with the pass", () => {
    const changedAt = new Date("2026-03-01T10:00:01.000Z");
    expect(notModifiedSince(changedAt, changedAt.toUTCString())).toBe(true);
    expect(notModifiedSince(changedAt, "Sun, 01 Mar 2026 10:00:02 GMT")).toBe(true);
    expect(notModifiedSince(changedAt, "Sun, 01 Mar 2026 10:00:00 GMT")).toBe(false);
    expect(notModifiedSince(changedAt, "yesterday")).toBe(false);
    expect(notModifiedSince(changedAt, undefined)).toBe(false);
  });

  const passAt = (updatedAt: string | undefined) =>
    ({
      pass: { serialNumber: "s", merchantId: "m", customerId: "c", ...(updatedAt ? { updatedAt } : {}) },
      customer: { createdAt: "2026-03-01T09:00:00.400Z" },
    }) as AuthenticatedPass;

  it("serves Last-Modified never later than the response time, even when rapid changes ran ahead of the clock", () => {
    const now = new Date("2026-03-01T10:00:00.700Z");
    // Three changes in the same second: the update time ran two seconds ahead.
    const ahead = passAt("2026-03-01T10:00:02.000Z");
    expect(passLastModified(ahead, now).toISOString()).toBe("2026-03-01T10:00:00.000Z");
    expect(passChangedAt(ahead).toISOString()).toBe("2026-03-01T10:00:02.000Z");
    // Once the clock caught up, Last-Modified is the update time itself.
    expect(passLastModified(ahead, new Date("2026-03-01T10:00:05.000Z")).toISOString()).toBe(
      "2026-03-01T10:00:02.000Z",
    );
    // Never changed: the enrolment, to the second.
    expect(passLastModified(passAt(undefined), now).toISOString()).toBe("2026-03-01T09:00:00.000Z");
  });

  it("does not answer 304 to a copy served while the update time was still ahead of the clock", () => {
    const ahead = passAt("2026-03-01T10:00:02.000Z");
    const served = passLastModified(ahead, new Date("2026-03-01T10:00:00.700Z"));
    // The device's copy may predate the last change: it gets the pass again, not a 304.
    expect(notModifiedSince(passChangedAt(ahead), served.toUTCString())).toBe(false);
    const caughtUp = passLastModified(ahead, new Date("2026-03-01T10:00:09.000Z"));
    expect(notModifiedSince(passChangedAt(ahead), caughtUp.toUTCString())).toBe(true);
  });
});

describe("the Apple download link", () => {
  const key = Buffer.from("k".repeat(32));
  const now = new Date("2026-03-01T10:00:00Z");
  const query = (url: string) => Object.fromEntries(new URL(url).searchParams);

  it("verifies for its serial until it expires, and for nothing else", () => {
    const url = signedAppleDownloadUrl(
      "https://api.example",
      key,
      "pass_1",
      new Date("2026-03-08T10:00:00Z"),
    );
    expect(url).toMatch(
      /^https:\/\/api\.example\/v1\/passes\/pass_1\/apple\.pkpass\?expires=\d+&sig=[\w-]+$/,
    );
    expect(verifyAppleDownload(key, "pass_1", query(url), now)).toBe(true);
    expect(verifyAppleDownload(key, "pass_2", query(url), now)).toBe(false);
    expect(verifyAppleDownload(Buffer.from("x".repeat(32)), "pass_1", query(url), now)).toBe(false);
    expect(verifyAppleDownload(key, "pass_1", query(url), new Date("2026-03-08T10:00:00Z"))).toBe(false);
    expect(verifyAppleDownload(key, "pass_1", { ...query(url), expires: "1900000000" }, now)).toBe(false);
    expect(verifyAppleDownload(key, "pass_1", { expires: query(url).expires }, now)).toBe(false);
  });
});

describe("the next reward on a pass", () => {
  const reward = (name: string, points: number, status: Reward["status"] = "active") =>
    ({ name, points, status }) as Reward;
  const catalogue = [reward("Cake", 150), reward("Coffee", 50), reward("Old", 10, "archived")];

  it("is the cheapest active reward not reached yet, or the dearest once all are", () => {
    expect(nextReward(catalogue, 20)).toEqual({ name: "Coffee", cost: 50 });
    expect(nextReward(catalogue, 60)).toEqual({ name: "Cake", cost: 150 });
    expect(nextReward(catalogue, 500)).toEqual({ name: "Cake", cost: 150 });
    expect(nextReward([reward("Old", 10, "archived")], 0)).toBeUndefined();
  });
});

describe("wallet configuration", () => {
  const base = {
    API_BASE_URL: "https://api.example/",
    APPLE_PASS_TYPE_ID: "pass.example",
    APPLE_TEAM_ID: "TEAM",
    PASS_CERTIFICATES_SECRET_ID: "certs",
    GOOGLE_ISSUER_ID: "123",
    GOOGLE_SERVICE_ACCOUNT_SECRET_ID: "sa",
    GOOGLE_PROGRAM_LOGO_URL: "https://cdn.example/logo.png",
    PASS_LINK_KEY_SECRET_ID: "link",
  };

  it("reads every piece from the environment, with the web service under the API base", () => {
    const config = readWalletConfig(base);
    expect(config).toMatchObject({
      apiBaseUrl: "https://api.example",
      apple: {
        webServiceURL: "https://api.example/apple",
        certificates: { kind: "secretsManager", id: "certs" },
        apnsOrigin: "https://api.push.apple.com",
      },
      google: { issuerId: "123", serviceAccount: { kind: "secretsManager", id: "sa" }, origins: [] },
      linkKey: { kind: "secretsManager", id: "link" },
      linkTtlSeconds: 7 * 24 * 3600,
      timeZone: "UTC",
    });
    expect(config?.apple?.apnsKey).toBeUndefined();
  });

  it("writes pass dates in PASS_TIME_ZONE when Intl knows it, in UTC otherwise", () => {
    expect(readWalletConfig({ ...base, PASS_TIME_ZONE: "Europe/Paris" })?.timeZone).toBe("Europe/Paris");
    expect(readWalletConfig({ ...base, PASS_TIME_ZONE: "Mars/Olympus" })?.timeZone).toBe("UTC");
  });

  it("switches off a wallet whose settings are incomplete, and everything without an API base", () => {
    const { GOOGLE_PROGRAM_LOGO_URL: _logo, APPLE_TEAM_ID: _team, ...partial } = base;
    const config = readWalletConfig(partial);
    expect(config?.apple).toBeUndefined();
    expect(config?.google).toBeUndefined();
    expect(readWalletConfig({ ...base, API_BASE_URL: "" })).toBeUndefined();
  });
});
