import * as z from "zod";
import { dateTimeFormat } from "../intl-formats.ts";

/**
 * A location's weekly opening hours, in its own time zone (nothing else in the model has one: a merchant has
 * a country, and a country may span several zones). Wall-clock intervals per weekday; a day left out is
 * closed. No interval crosses midnight: a bar open 18:00–02:00 is 18:00–24:00 one day and 00:00–02:00 the next.
 */

export const WEEKDAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"] as const;
export type Weekday = (typeof WEEKDAYS)[number];

export interface OpeningHours {
  /** IANA name, e.g. "Europe/Paris". */
  timeZone: string;
  weekly: Partial<Record<Weekday, [string, string][]>>;
}

const isTimeZone = (name: string) => {
  try {
    new Intl.DateTimeFormat("en-GB", { timeZone: name });
    return true;
  } catch {
    return false;
  }
};

const clock = z.string().regex(/^(?:[01]\d|2[0-3]):[0-5]\d$|^24:00$/, "must be HH:MM, 00:00 to 24:00");
// An array of two rather than a tuple: the route-schema test reads arrays (test/unit/http/route-schemas.test.ts).
const interval = z
  .array(clock)
  .length(2, "must be [opens, closes]")
  .refine(([from = "", to = ""]) => from < to, {
    message: "must open before it closes (split a night across two days)",
  })
  .transform(([from = "", to = ""]): [string, string] => [from, to]);

export const OpeningHoursSchema = z.strictObject({
  timeZone: z
    .string()
    .max(64, "must be at most 64 characters")
    .refine(isTimeZone, { message: "must be an IANA time zone, e.g. Europe/Paris" }),
  weekly: z.partialRecord(z.enum(WEEKDAYS), z.array(interval).max(4, "at most 4 intervals a day")),
});

const formatFor = (timeZone: string) =>
  dateTimeFormat("en-GB", {
    timeZone,
    weekday: "short",
    hour: "2-digit",
    minute: "2-digit",
    hourCycle: "h23",
  });

/** Whether the location is open at `at`, read on its own wall clock. */
export function isOpenAt(hours: OpeningHours, at: Date): boolean {
  const parts = Object.fromEntries(
    formatFor(hours.timeZone)
      .formatToParts(at)
      .map((p) => [p.type, p.value]),
  );
  const day = String(parts.weekday).toLowerCase().slice(0, 3) as Weekday;
  const time = `${parts.hour}:${parts.minute}`;
  return (hours.weekly[day] ?? []).some(([from, to]) => from <= time && time < to);
}
