import { randomUUID } from "node:crypto";
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { SmsSender } from "./sms-sender.ts";

/**
 * The local stand-in for an SMS provider: each message becomes a file `<time>-<id>.txt` holding a
 * `To:` line, a blank line and the text. Nothing leaves the machine.
 */
export function fileSmsSender(dir: string): SmsSender {
  return {
    async send(sms) {
      await mkdir(dir, { recursive: true });
      const at = new Date();
      const messageId = `${at.getTime().toString(16)}-${randomUUID()}`;
      const file = join(dir, `${at.toISOString().replace(/[:.]/g, "-")}-${messageId}.txt`);
      await writeFile(file, `To: ${sms.to}\n\n${sms.text}\n`, { mode: 0o600 });
      return { messageId };
    },
  };
}
