/**
 * What became of a message on the member's Google pass (sent by passes/pass-messages.ts). notified:
 * TEXT_AND_NOTIFY; silent: TEXT (quota spent); no_pass: the member has no Google object yet.
 */
export type PassMessageResult = "notified" | "silent" | "no_pass";
