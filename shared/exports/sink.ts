import type { FileWriter } from "../files/file-store.ts";

/**
 * A writer that gathers rows into chunks of about CHUNK_BYTES before handing them to the file: one
 * write per few rows rather than per row, and never more than one chunk held here.
 */
export const CHUNK_BYTES = 64 * 1024;

export interface RowSink {
  row(text: string): Promise<void>;
  /** Everything gathered goes out. */
  flush(): Promise<void>;
}

export function chunkedSink(writer: Pick<FileWriter, "write">, chunkBytes = CHUNK_BYTES): RowSink {
  let parts: string[] = [];
  let size = 0;
  const flush = async () => {
    if (parts.length === 0) return;
    const chunk = parts.join("");
    parts = [];
    size = 0;
    await writer.write(chunk);
  };
  return {
    async row(text) {
      parts.push(text);
      size += text.length;
      if (size >= chunkBytes) await flush();
    },
    flush,
  };
}
