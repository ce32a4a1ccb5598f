/**
 * Where exports are written and how they are handed out: an adapter at the edge, so the export code is
 * the same on AWS (an S3 bucket, presigned links: s3-store.ts) and locally (a directory the local gateway
 * serves at signed, expiring links: local-store.ts).
 */

/** A file being written: chunks go out as they come, so no file is ever held whole in memory. */
export interface FileWriter {
  /** Resolves once the chunk is accepted (back-pressure: a slow store slows the producer down). */
  write(chunk: string): Promise<void>;
  /** Finishes the file; nothing is visible under its key before this resolves. */
  close(): Promise<{ bytes: number }>;
  /** Drops what was written. */
  abort(): Promise<void>;
}

export interface FileStore {
  create(key: string, contentType: string): FileWriter;
  /** A small JSON side file (an export's record); undefined when absent. */
  putSmall(key: string, text: string): Promise<void>;
  getSmall(key: string): Promise<string | undefined>;
  /** A link anyone holding it may GET until `expiresAt`; `downloadName` is the name a browser saves it as. */
  link(key: string, expiresAt: Date, downloadName: string): Promise<string>;
}

/** How long a download link stays valid: long enough to click, short enough that a leaked link soon dies. */
export const LINK_TTL_SECONDS = 15 * 60;

/** Days an export stays in the store before the bucket's lifecycle rule (or the local sweep) removes it. */
export const EXPORT_RETENTION_DAYS = 7;

let store: FileStore | undefined;

/**
 * The store this container uses: S3 when EXPORTS_BUCKET is set (the stack sets it on the functions that
 * export), else the local directory FILES_DIR served by the local gateway at FILES_BASE_URL.
 */
export async function fileStoreFromEnv(): Promise<FileStore> {
  if (store) return store;
  const bucket = process.env.EXPORTS_BUCKET;
  if (bucket) {
    const { s3FileStore } = await import("./s3-store.ts");
    store = s3FileStore(bucket);
  } else {
    const { localFileStoreFromEnv } = await import("./local-store.ts");
    store = localFileStoreFromEnv();
  }
  return store;
}

/** For tests and the local stack, which point the handlers at another store within one process. */
export function setFileStore(next: FileStore | undefined): void {
  store = next;
}
