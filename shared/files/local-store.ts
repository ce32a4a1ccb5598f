import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import { createReadStream, createWriteStream } from "node:fs";
import { mkdir, readFile, rename, rm, stat, writeFile } from "node:fs/promises";
import type { ServerResponse } from "node:http";
import { dirname, join, normalize, sep } from "node:path";
import type { FileStore, FileWriter } from "./file-store.ts";

/** The path under which the local gateway serves stored files. */
export const LOCAL_FILES_PATH = "/local-files/";

export interface LocalFileStoreOptions {
  dir: string;
  /** The gateway's base URL, e.g. http://127.0.0.1:3000. */
  baseUrl: string;
  /** Signs links; random per stack, so a link from an earlier run is worthless. */
  signingKey: Buffer;
}

const KEY = /^[A-Za-z0-9_./-]{1,300}$/;

function pathOf(dir: string, key: string): string {
  // Keys are made by this code, but a served key comes from a URL: nothing may leave the directory.
  if (!KEY.test(key) || key.split("/").includes("..")) throw new Error("bad file key");
  const path = normalize(join(dir, key));
  if (!path.startsWith(normalize(dir) + sep)) throw new Error("bad file key");
  return path;
}

const sign = (signingKey: Buffer, key: string, expires: number, name: string) =>
  createHmac("sha256", signingKey).update(`${key}\n${expires}\n${name}`).digest("base64url");

export function localFileStore(options: LocalFileStoreOptions): FileStore {
  const { dir } = options;
  return {
    create(key, _contentType): FileWriter {
      const final = pathOf(dir, key);
      const partial = `${final}.partial`;
      let bytes = 0;
      const ready = mkdir(dirname(final), { recursive: true }).then(() => createWriteStream(partial));
      return {
        async write(chunk) {
          const stream = await ready;
          bytes += Buffer.byteLength(chunk);
          if (!stream.write(chunk))
            await new Promise<void>((resolve) => stream.once("drain", () => resolve()));
        },
        async close() {
          const stream = await ready;
          await new Promise<void>((resolve, reject) => {
            stream.once("error", reject);
            stream.end(() => resolve());
          });
          await rename(partial, final);
          return { bytes };
        },
        async abort() {
          const stream = await ready;
          // A write may still be in flight (the failure came from elsewhere): its late error is expected.
          stream.on("error", () => undefined);
          stream.destroy();
          await rm(partial, { force: true });
        },
      };
    },
    async putSmall(key, text) {
      const path = pathOf(dir, key);
      await mkdir(dirname(path), { recursive: true });
      await writeFile(path, text);
    },
    async getSmall(key) {
      try {
        return await readFile(pathOf(dir, key), "utf8");
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
        throw error;
      }
    },
    async link(key, expiresAt, downloadName) {
      const expires = Math.floor(expiresAt.getTime() / 1000);
      const query = new URLSearchParams({
        expires: String(expires),
        name: downloadName,
        token: sign(options.signingKey, key, expires, downloadName),
      });
      return `${options.baseUrl}${LOCAL_FILES_PATH}${key}?${query}`;
    },
  };
}

/**
 * Serves a stored file to the holder of a valid, unexpired link, as S3 serves a presigned GET: a wrong or
 * missing token and an expired link are both 403, and nothing says whether the file exists.
 */
export async function serveLocalFile(
  options: LocalFileStoreOptions,
  url: URL,
  response: ServerResponse,
  now: Date = new Date(),
): Promise<void> {
  const key = decodeURIComponent(url.pathname.slice(LOCAL_FILES_PATH.length));
  const expires = Number(url.searchParams.get("expires"));
  const name = url.searchParams.get("name") ?? "";
  const token = Buffer.from(url.searchParams.get("token") ?? "");
  const expected = Buffer.from(
    KEY.test(key) && Number.isSafeInteger(expires) ? sign(options.signingKey, key, expires, name) : "",
  );
  const valid = expected.length > 0 && token.length === expected.length && timingSafeEqual(token, expected);
  const refuse = (reason: string) => {
    response.writeHead(403, { "content-type": "text/plain" });
    response.end(reason);
  };
  if (!valid) return refuse("Invalid link.");
  if (expires * 1000 <= now.getTime()) return refuse("This link has expired.");
  let path: string;
  try {
    path = pathOf(options.dir, key);
    await stat(path);
  } catch {
    response.writeHead(404, { "content-type": "text/plain" });
    response.end("Not found.");
    return;
  }
  const type = key.endsWith(".csv") ? "text/csv; charset=utf-8" : "application/json; charset=utf-8";
  response.writeHead(200, {
    "content-type": type,
    "content-disposition": `attachment; filename="${name.replace(/[^A-Za-z0-9._-]/g, "_")}"`,
    "cache-control": "no-store",
  });
  await new Promise<void>((resolve, reject) => {
    createReadStream(path).on("error", reject).pipe(response).on("finish", resolve);
  });
}

/** The local store as the local stack configures it (FILES_DIR, FILES_BASE_URL, FILES_SIGNING_KEY). */
export function localFileOptionsFromEnv(): LocalFileStoreOptions {
  const { FILES_DIR, FILES_BASE_URL, FILES_SIGNING_KEY } = process.env;
  if (!FILES_DIR || !FILES_BASE_URL || !FILES_SIGNING_KEY) {
    throw new Error("No file store: set EXPORTS_BUCKET, or FILES_DIR, FILES_BASE_URL and FILES_SIGNING_KEY");
  }
  return { dir: FILES_DIR, baseUrl: FILES_BASE_URL, signingKey: Buffer.from(FILES_SIGNING_KEY, "base64url") };
}

export const localFileStoreFromEnv = () => localFileStore(localFileOptionsFromEnv());

export const newLocalSigningKey = () => randomBytes(32).toString("base64url");
