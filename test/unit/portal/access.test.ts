import { afterEach, describe, expect, it, vi } from "vitest";
import type { Db } from "../../../shared/db/client.ts";
import { memberPortalUrl } from "../../../shared/portal/access.ts";

afterEach(() => vi.unstubAllEnvs());

describe("the pass's portal link", () => {
  it("is left out, not an error, where the deployment has no signing-key backend yet", async () => {
    vi.stubEnv("DYNAMODB_ENDPOINT", "");
    const db = { client: { send: vi.fn() }, table: "t" } as unknown as Db;
    const url = await memberPortalUrl({ db, clock: () => new Date() }, "https://api.example", {
      merchantId: "m",
      customerId: "c",
    });
    expect(url).toBeUndefined();
    expect(db.client.send).not.toHaveBeenCalled();
  });
});
