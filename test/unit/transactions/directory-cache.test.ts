import { describe, expect, it } from "vitest";
import { DIRECTORY_CACHE_TTL_MS, DirectoryCache } from "../../../shared/merchants/directory-cache.ts";

/** A clock the test moves by hand, and a read that counts its calls and answers what `value` holds. */
function setup(options: { maxEntries?: number } = {}) {
  let now = new Date("2026-03-01T10:00:00Z");
  const cache = new DirectoryCache({ clock: () => now, ...options });
  const reads: string[] = [];
  const read = (id: string, value: unknown) => async () => {
    reads.push(id);
    return value;
  };
  return {
    cache,
    reads,
    read,
    advance: (ms: number) => {
      now = new Date(now.getTime() + ms);
    },
  };
}

describe("the location and program cache", () => {
  it("answers from memory until the staleness bound, then reads again", async () => {
    const { cache, reads, read, advance } = setup();
    expect(await cache.get("m", "program", "p", read("p", { version: 1 }))).toEqual({ version: 1 });
    advance(DIRECTORY_CACHE_TTL_MS - 1);
    expect(await cache.get("m", "program", "p", read("p", { version: 2 }))).toEqual({ version: 1 });
    expect(reads).toEqual(["p"]);
    advance(1);
    expect(await cache.get("m", "program", "p", read("p", { version: 2 }))).toEqual({ version: 2 });
    expect(reads).toEqual(["p", "p"]);
  });

  it("keeps each merchant's records apart, and locations apart from programs of the same id", async () => {
    const { cache, read } = setup();
    await cache.get("m1", "location", "x", read("m1", "first merchant's"));
    expect(await cache.get("m2", "location", "x", read("m2", "second merchant's"))).toBe("second merchant's");
    expect(await cache.get("m1", "program", "x", read("p", "a program"))).toBe("a program");
    expect(await cache.get("m1", "location", "x", read("again", "?"))).toBe("first merchant's");
  });

  it("keeps neither a record not found nor a failed read, so the next request reads again", async () => {
    const { cache, reads, read } = setup();
    expect(await cache.get("m", "location", "new", read("absent", undefined))).toBeUndefined();
    expect(await cache.get("m", "location", "new", read("created", { id: "new" }))).toEqual({ id: "new" });
    const failing = async () => {
      reads.push("failing");
      throw new Error("DynamoDB unavailable");
    };
    await expect(cache.get("m", "program", "p", failing)).rejects.toThrow("unavailable");
    expect(await cache.get("m", "program", "p", read("recovered", { id: "p" }))).toEqual({ id: "p" });
    expect(reads).toEqual(["absent", "created", "failing", "recovered"]);
  });

  it("shares one read between concurrent misses", async () => {
    const { cache, reads, read } = setup();
    const both = await Promise.all([
      cache.get("m", "program", "p", read("first", 1)),
      cache.get("m", "program", "p", read("second", 2)),
    ]);
    expect(both).toEqual([1, 1]);
    expect(reads).toEqual(["first"]);
  });

  it("is bounded: past its size, the least recently used entry leaves", async () => {
    const { cache, reads, read } = setup({ maxEntries: 2 });
    await cache.get("m", "location", "a", read("a", "A"));
    await cache.get("m", "location", "b", read("b", "B"));
    await cache.get("m", "location", "a", read("a", "A")); // a is now the most recently used
    await cache.get("m", "location", "c", read("c", "C")); // b leaves
    expect(cache.size).toBe(2);
    await cache.get("m", "location", "a", read("a", "A"));
    await cache.get("m", "location", "b", read("b", "B"));
    expect(reads).toEqual(["a", "b", "c", "b"]);
  });

  it("forgets an entry when this container changes the record", async () => {
    const { cache, reads, read } = setup();
    await cache.get("m", "location", "a", read("a", { programId: "p1" }));
    cache.forget("m", "location", "a");
    expect(await cache.get("m", "location", "a", read("a", { programId: "p2" }))).toEqual({
      programId: "p2",
    });
    expect(reads).toEqual(["a", "a"]);
  });
});
