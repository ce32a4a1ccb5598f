import { DomainError } from "../errors.ts";
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

/**
 * The sink, refusing the next row once `overdue()` says the time is spent: an export that would outlast the
 * API's integration timeout is stopped (then handed to the export job, or for a customer's export refused with
 * a problem) rather than cut by the gateway with a 503 that a retry meets again; the job stops a file so
 * before Lambda's timeout. `rows` are counted for the problem.
 */
export function budgetedSink(sink: RowSink, overdue: () => boolean): RowSink {
  let rows = 0;
  return {
    async row(text) {
      if (overdue()) {
        throw new DomainError(
          "export-too-large",
          `The export passed the time it may take after ${rows} rows.`,
          { rowsWritten: rows },
        );
      }
      rows += 1;
      await sink.row(text);
    },
    flush: () => sink.flush(),
  };
}
