import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  activityClassPk,
  locationActivityPk,
  staffActivityPk,
} from "../../../shared/store/db/activity-keys.ts";

/**
 * The activity partitions are digests, not the ids spelled out (shared/store/db/activity-keys.ts): what keeps
 * one merchant's request out of another's partition is that the digest takes the merchant's id too. Ids are
 * ULIDs, so an end-to-end test could never meet two merchants naming the same location: this one does.
 */
const ids = fc.string({ minLength: 1, maxLength: 40 });

describe("the activity index partitions", () => {
  it("differ between merchants for the same location, staff id or class, and never meet each other", () => {
    fc.assert(
      fc.property(ids, ids, ids, (a, b, id) => {
        fc.pre(a !== b);
        for (const pk of [locationActivityPk, staffActivityPk, activityClassPk]) {
          expect(pk(a, id)).not.toBe(pk(b, id));
          expect(pk(a, id)).toBe(pk(a, id));
        }
        // One merchant's location, staff member and class named alike are three partitions.
        expect(
          new Set([locationActivityPk(a, id), staffActivityPk(a, id), activityClassPk(a, id)]).size,
        ).toBe(3);
      }),
    );
  });

  it("do not run two ids together: (m, l) and (m + x, l') are two partitions", () => {
    expect(locationActivityPk("m1", "1#l")).not.toBe(locationActivityPk("m11", "#l"));
    expect(locationActivityPk("m1", "l")).toMatch(/^LOCATION#[\w-]{22}$/);
    expect(staffActivityPk("m1", "s")).toMatch(/^STAFF#[\w-]{22}$/);
    expect(activityClassPk("m1", "purchase")).toMatch(/^ACTIVITY#[\w-]{22}$/);
  });
});
