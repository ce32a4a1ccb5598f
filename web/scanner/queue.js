import * as store from "./store.js";

/**
 * Earns that must reach the server exactly once. Each is written to IndexedDB with its Idempotency-Key
 * before the first attempt, so a reload, a locked phone or a crash mid-request loses nothing; sending it
 * again with the same key and body is what the API's idempotency makes safe (the second answer is the
 * first one replayed). It leaves the device only when the server has answered: accepted (done) or refused
 * (kept, with the reason, until staff dismiss it).
 *
 * `send(earn)` answers `{ outcome: "done", transaction }`, `{ outcome: "refused", reason }` or
 * `{ outcome: "pending" }` (no network, a timeout, a 5xx or 429, no valid sign-in).
 */
export function createQueue({ send, onChange }) {
  let flushing;
  // Keys being sent from this page: a flush leaves them to the attempt already under way.
  const inFlight = new Set();

  const changed = async () => onChange(await list());

  async function list() {
    return (await store.all("earns")).sort((a, b) => a.createdAt.localeCompare(b.createdAt));
  }

  async function attempt(earn) {
    if (inFlight.has(earn.key)) return { outcome: "pending" };
    inFlight.add(earn.key);
    const answer = await send(earn)
      .catch(() => ({ outcome: "pending" }))
      .finally(() => inFlight.delete(earn.key));
    if (answer.outcome === "done") {
      await store.remove("earns", earn.key);
    } else {
      const reason = answer.outcome === "refused" ? answer.reason : undefined;
      await store.put("earns", {
        ...earn,
        status: answer.outcome,
        reason,
        attempts: (earn.attempts ?? 0) + 1,
      });
    }
    await changed();
    return answer;
  }

  /** Saves the earn, then tries it at once; the answer says what became of this first try. */
  async function add(earn) {
    const saved = { ...earn, status: "sending", createdAt: new Date().toISOString(), attempts: 0 };
    await store.put("earns", saved);
    await changed();
    return attempt(saved);
  }

  /**
   * Sends every earn still waiting, oldest first, one at a time; one flush at a time in this page, and in
   * all the app's tabs where the browser has Web Locks. Stops at the first that is still unreachable.
   */
  function flush() {
    flushing ??= (async () => {
      const run = async () => {
        for (const earn of await list()) {
          if (earn.status === "refused" || inFlight.has(earn.key)) continue;
          const answer = await attempt(earn);
          if (answer.outcome === "pending") break;
        }
      };
      try {
        if (navigator.locks) await navigator.locks.request("loyalty-scanner-queue", run);
        else await run();
      } finally {
        flushing = undefined;
      }
    })();
    return flushing;
  }

  async function dismiss(key) {
    await store.remove("earns", key);
    await changed();
  }

  return { add, flush, list, dismiss, refresh: changed };
}
