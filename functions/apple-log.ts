import * as z from "zod";
import { logger } from "../shared/logger.ts";
import { apiHandler, parse } from "./http/api.ts";
import { DeviceLogLine } from "./http/fields.ts";

const MAX_LINES = 20;
const MAX_LINE_LENGTH = 500;
export const Body = z.object({ logs: z.array(DeviceLogLine).max(1000) });

/**
 * POST /apple/v1/log: devices report what went wrong with our web service. Their lines name URLs,
 * serials and statuses, not people; they are kept short and few so a device cannot flood the logs.
 */
export const handler = apiHandler(async (request) => {
  const { logs } = parse(Body, request.json(), "body");
  logger.warn("Apple Wallet device log", {
    count: logs.length,
    lines: logs.slice(0, MAX_LINES).map((line) => line.slice(0, MAX_LINE_LENGTH)),
  });
  return { status: 200 };
});
