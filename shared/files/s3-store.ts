import { PassThrough } from "node:stream";
import { GetObjectCommand, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { Upload } from "@aws-sdk/lib-storage";
import { getSignedUrl } from "@aws-sdk/s3-request-presigner";
import { sdkClientBudget } from "../sdk-client-budget.ts";
import type { FileStore, FileWriter } from "./file-store.ts";

/**
 * S3's bounds: a 5 MB part takes well under a second to send from Lambda, so 10 s of silence means a
 * stalled connection, retried twice; connecting is quick or broken.
 */
export const S3_BUDGET = { connectTimeoutMs: 1_000, requestTimeoutMs: 10_000, maxAttempts: 3 };

/** The smallest part S3 accepts; with one part queued, an upload holds at most ~10 MB whatever its size. */
const PART_BYTES = 5 * 1024 * 1024;

export function s3FileStore(
  bucket: string,
  client = new S3Client({ ...sdkClientBudget(S3_BUDGET) }),
): FileStore {
  return {
    create(key, contentType): FileWriter {
      const body = new PassThrough();
      let bytes = 0;
      const upload = new Upload({
        client,
        params: { Bucket: bucket, Key: key, Body: body, ContentType: contentType },
        partSize: PART_BYTES,
        queueSize: 1,
        leavePartsOnError: false,
      });
      const done = upload.done();
      // Seen by close() or abort(); without a handler an early failure would be an unhandled rejection.
      done.catch(() => undefined);
      return {
        async write(chunk) {
          bytes += Buffer.byteLength(chunk);
          if (!body.write(chunk)) await new Promise<void>((resolve) => body.once("drain", () => resolve()));
        },
        async close() {
          body.end();
          await done;
          return { bytes };
        },
        async abort() {
          await upload.abort();
          body.destroy();
        },
      };
    },
    async putSmall(key, text) {
      await client.send(
        new PutObjectCommand({ Bucket: bucket, Key: key, Body: text, ContentType: "application/json" }),
      );
    },
    async getSmall(key) {
      try {
        const { Body } = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
        return Body ? await Body.transformToString("utf8") : undefined;
      } catch (error) {
        if ((error as { name?: string }).name === "NoSuchKey") return undefined;
        throw error;
      }
    },
    async link(key, expiresAt, downloadName) {
      const expiresIn = Math.max(1, Math.floor((expiresAt.getTime() - Date.now()) / 1000));
      return getSignedUrl(
        client,
        new GetObjectCommand({
          Bucket: bucket,
          Key: key,
          ResponseContentDisposition: `attachment; filename="${downloadName.replace(/[^A-Za-z0-9._-]/g, "_")}"`,
        }),
        { expiresIn },
      );
    },
  };
}
