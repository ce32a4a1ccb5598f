/**
 * The device's storage, in IndexedDB: what must survive a reload, a locked phone or a closed tab. `earns`
 * holds the scanner's earns not yet accepted by the server (keyed by their Idempotency-Key); `session` the
 * refresh token (the access token stays in memory only).
 */
// One database per app, named after the path it is served under (/scanner, /console): each app's sign-in is
// its own, and the scanner's queued earns never meet the console.
const DB_NAME = `loyalty-${location.pathname.split("/")[1] || "app"}`;
const STORES = ["earns", "session"];

let opening;

function open() {
  opening ??= new Promise((resolve, reject) => {
    const request = indexedDB.open(DB_NAME, 1);
    request.onupgradeneeded = () => {
      const db = request.result;
      if (!db.objectStoreNames.contains("earns")) db.createObjectStore("earns", { keyPath: "key" });
      if (!db.objectStoreNames.contains("session")) db.createObjectStore("session", { keyPath: "name" });
    };
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
  return opening;
}

/** One request in its own transaction, resolved once the transaction is durable (committed). */
async function run(store, mode, work) {
  if (!STORES.includes(store)) throw new Error(`no store ${store}`);
  const db = await open();
  return new Promise((resolve, reject) => {
    const tx = db.transaction(store, mode, { durability: "strict" });
    const request = work(tx.objectStore(store));
    tx.oncomplete = () => resolve(request.result);
    tx.onerror = () => reject(tx.error);
    tx.onabort = () => reject(tx.error);
  });
}

export const put = (store, value) => run(store, "readwrite", (s) => s.put(value));
export const get = (store, key) => run(store, "readonly", (s) => s.get(key));
export const remove = (store, key) => run(store, "readwrite", (s) => s.delete(key));
export const all = (store) => run(store, "readonly", (s) => s.getAll());
