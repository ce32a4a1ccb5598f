import * as z from "zod";

/**
 * What a stored text may contain: the one rule every text field of the API goes through
 * (functions/http/fields.ts builds its schemas on `text`).
 *
 * Refused: lone UTF-16 surrogates (not Unicode at all: RFC 8785 canonical JSON, and so the ledger's
 * hashes and the signed statements, cannot carry them), the C0 controls U+0000–U+001F (tabs and line
 * breaks included: no field is a document), DEL and the C1 controls U+007F–U+009F (invisible, and
 * terminal or log escapes), and the bidirectional embeddings, overrides and isolates U+202A–U+202E and
 * U+2066–U+2069, which make a name display in another order than it is stored (a customer "Nicole"
 * that a till shows as someone else). The marks U+200E, U+200F and U+061C stay allowed: names written
 * right to left need them, and they cannot reorder what follows them.
 */

const hex = (unit: number) => `U+${unit.toString(16).toUpperCase().padStart(4, "0")}`;

function forbiddenKind(unit: number): string | undefined {
  if (unit <= 0x1f) return "the control character";
  if (unit >= 0x7f && unit <= 0x9f)
    return unit === 0x7f ? "the control character DEL" : "the C1 control character";
  if ((unit >= 0x202a && unit <= 0x202e) || (unit >= 0x2066 && unit <= 0x2069)) {
    return "the bidirectional control";
  }
  return undefined;
}

const isHigh = (unit: number) => unit >= 0xd800 && unit <= 0xdbff;
const isLow = (unit: number) => unit >= 0xdc00 && unit <= 0xdfff;

/** Why `value` may not be stored, naming the character and where it is (0-based UTF-16 offset); undefined if it may. */
export function textProblem(value: string): string | undefined {
  for (let index = 0; index < value.length; index++) {
    const unit = value.charCodeAt(index);
    if (isHigh(unit) && isLow(value.charCodeAt(index + 1))) {
      index++;
      continue;
    }
    if (isHigh(unit) || isLow(unit)) {
      return `contains a lone UTF-16 surrogate (${hex(unit)}) at offset ${index}: send well-formed Unicode text`;
    }
    const kind = forbiddenKind(unit);
    if (kind) return `contains ${kind} ${hex(unit)} at offset ${index}, which text fields do not accept`;
  }
  return undefined;
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/**
 * The text with each lone surrogate replaced by U+FFFD, as a UTF-8 encoder would write it. For values
 * stored before `text` refused them, on their way into something that must be well-formed (a hash, a
 * signature): the reader then shows "Caf�" instead of failing.
 */
export function wellFormed(value: string): string {
  return value.replace(LONE_SURROGATE, "\uFFFD");
}

/** `wellFormed` applied to every string (keys too) of a JSON-like value; other values are kept as they are. */
export function wellFormedDeep<T>(value: T): T {
  if (typeof value === "string") return wellFormed(value) as T;
  if (Array.isArray(value)) return value.map((item) => wellFormedDeep(item)) as T;
  if (value !== null && typeof value === "object" && Object.getPrototypeOf(value) === Object.prototype) {
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [wellFormed(key), wellFormedDeep(item)]),
    ) as T;
  }
  return value;
}

/** Adds the rule to a string schema of another kind (a URL, an e-mail address); stops at the first problem. */
export function withTextRule<T extends z.ZodType<string>>(schema: T): T {
  return schema.refine((value) => textProblem(value) === undefined, {
    abort: true,
    error: (issue) => textProblem(String(issue.input)),
  }) as T;
}

export interface TextOptions {
  /** Fewest characters after trimming; 1 unless said otherwise (0 lets "" through, e.g. an optional note). */
  min?: number;
}

/**
 * A trimmed text of at most `max` UTF-16 code units that `textProblem` accepts. The characters are
 * checked before trimming: a control character at either end is refused, not silently dropped.
 */
export function text(max: number, options: TextOptions = {}) {
  const min = options.min ?? 1;
  return withTextRule(z.string())
    .trim()
    .min(min, min === 1 ? "must not be empty" : `must be at least ${min} characters`)
    .max(max, `must be at most ${max} characters`);
}
