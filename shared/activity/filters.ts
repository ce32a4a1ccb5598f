import { entryTypesListedUnder } from "../ledger/entry-types.ts";
import type { EntryType } from "../model.ts";

/** Activity types a merchant filters by; "issued" is every entry that gave points. */
export const ACTIVITY_TYPES = ["issued", "manual", "redeemed", "refunded", "reversed", "expired"] as const;
export type ActivityType = (typeof ACTIVITY_TYPES)[number];

interface Clause {
  expression: string;
  values: Record<string, unknown>;
}

/**
 * One filter's clause, from the entry-type registry: the types it always lists, and those it lists only
 * as credits (hand adjustments under "issued"). AND binds tighter than OR, and DynamoDB refuses
 * parentheses it considers redundant, so none are written.
 */
function clauseFor(activity: ActivityType): Clause {
  const listed = entryTypesListedUnder(activity);
  const values: Record<string, unknown> = {};
  let count = 0;
  const placeholder = (type: EntryType) => {
    const name = `:${activity}${count++}`;
    values[name] = type;
    return name;
  };
  const parts: string[] = [];
  if (listed.always.length > 0) parts.push(`#type IN (${listed.always.map(placeholder).join(", ")})`);
  for (const type of listed.credit) {
    parts.push(`#type = ${placeholder(type)} AND points > :zero`);
    values[":zero"] = 0;
  }
  return { expression: parts.join(" OR "), values };
}

const CLAUSES = Object.fromEntries(
  ACTIVITY_TYPES.map((activity) => [activity, clauseFor(activity)]),
) as Record<ActivityType, Clause>;

export interface FilterParts {
  types?: readonly ActivityType[];
  staffId?: string;
  customerIds?: readonly string[];
  /** Locations a restricted staff member may see, when the source itself does not limit it. */
  locationIds?: readonly string[];
  /** createdAt bounds, for sources whose key does not carry the time. */
  from?: string;
  to?: string;
}

/** A DynamoDB FilterExpression for what the source's key condition does not already select. */
export function filterExpression(parts: FilterParts) {
  const clauses: string[] = [];
  const names: Record<string, string> = {};
  const values: Record<string, unknown> = {};
  const inList = (attribute: string, tag: string, list: readonly string[]) => {
    names[`#${attribute}`] = attribute;
    list.forEach((value, i) => {
      values[`:${tag}${i}`] = value;
    });
    clauses.push(`#${attribute} IN (${list.map((_, i) => `:${tag}${i}`).join(", ")})`);
  };
  if (parts.types?.length) {
    names["#type"] = "type";
    const chosen = parts.types.map((t) => CLAUSES[t]);
    for (const clause of chosen) Object.assign(values, clause.values);
    clauses.push(chosen.map((c) => c.expression).join(" OR "));
  }
  if (parts.staffId) inList("staffId", "staff", [parts.staffId]);
  if (parts.customerIds) inList("customerId", "customer", parts.customerIds);
  if (parts.locationIds) inList("locationId", "location", parts.locationIds);
  if (parts.from || parts.to) {
    names["#createdAt"] = "createdAt";
    values[":fromTime"] = parts.from ?? "0";
    values[":toTime"] = parts.to ?? "9999";
    clauses.push("#createdAt BETWEEN :fromTime AND :toTime");
  }
  if (clauses.length === 0) return {};
  // Parentheses only where an OR meets an AND: DynamoDB refuses any it considers redundant.
  const joined = clauses.length === 1 ? clauses : clauses.map((c) => (c.includes(" OR ") ? `(${c})` : c));
  return {
    FilterExpression: joined.join(" AND "),
    ExpressionAttributeNames: names,
    ExpressionAttributeValues: values,
  };
}
