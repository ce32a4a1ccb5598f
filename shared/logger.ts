import { Logger } from "@aws-lambda-powertools/logger";

/**
 * One structured JSON logger for every function. Rule for callers: ids and counts only;
 * never a name, phone number, email address or request body.
 */
export const logger = new Logger({ serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? "loyalty-wallet" });
