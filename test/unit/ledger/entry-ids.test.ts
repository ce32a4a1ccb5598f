import { decodeTime } from "ulidx";
import { describe, expect, it } from "vitest";
import { newId } from "../../../shared/ids.ts";

const timeOf = (id: string) => decodeTime(id.slice(id.indexOf("_") + 1));

// An entry is found by id through its `<createdAt>#<id>` class-index key (shared/store/ledger/entries.ts):
// the id's time must be the time it was minted at.
describe("ids minted at a given time", () => {
  it("carry that time, also after a later one was minted (a clock set back)", () => {
    const later = new Date("2034-01-01T09:00:00.000Z");
    const earlier = new Date("2026-01-01T09:00:00.000Z");
    expect(timeOf(newId("txn", later))).toBe(later.getTime());
    expect(timeOf(newId("txn", earlier))).toBe(earlier.getTime());
  });

  it("still sort in the order they were minted within one millisecond", () => {
    const at = new Date("2035-06-01T12:00:00.000Z");
    const ids = Array.from({ length: 50 }, () => newId("txn", at));
    expect(ids.every((id) => timeOf(id) === at.getTime())).toBe(true);
    expect([...ids].sort()).toEqual(ids);
  });
});
