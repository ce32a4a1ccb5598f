/**
 * Log messages that CloudWatch counts and alarms on (metric filters in infra/stack/alarms.ts). The code
 * that logs one imports it from here, so the alarm cannot silently stop matching after a rewording.
 */

/** One line per customer the expiry job could not expire (it is retried on the next run). */
export const EXPIRY_CUSTOMER_FAILED_MESSAGE = "expiry failed for a customer";
