import { describe, expect, it } from "vitest";
import { countRounds } from "../../support/read-rounds.ts";

const call = (command: string, start: number, end: number) => ({ command, start, end });

describe("counting read rounds from the order of calls", () => {
  it("counts reads sent together as one round, and a read sent after another answered as the next", () => {
    const calls = [
      call("GetItemCommand", 0, 2), // staff
      call("GetItemCommand", 1, 3), // merchant, alongside
      call("GetItemCommand", 4, 7), // key
      call("GetItemCommand", 5, 6), // barcode, alongside the key
      call("GetItemCommand", 8, 10), // customer, after the barcode answered (the key still in flight)
      call("TransactWriteItemsCommand", 11, 12),
      call("GetItemCommand", 13, 14), // after the write: not counted
    ];
    expect(countRounds(calls)).toEqual({
      readRoundsBeforeWrite: 3,
      reads: 5,
      writes: ["TransactWriteItemsCommand"],
    });
  });

  it("counts a chain of reads one after another as that many rounds", () => {
    const chain = [0, 1, 2, 3, 4].map((i) => call("GetItemCommand", 2 * i, 2 * i + 1));
    expect(countRounds(chain).readRoundsBeforeWrite).toBe(5);
  });
});
