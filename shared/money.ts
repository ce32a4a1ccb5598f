/**
 * Exact decimal money. Amounts travel as strings ("23.40") and are computed as BigInt minor units,
 * so 0.1 + 0.2 is 0.3 and no float ever touches a balance.
 */

export interface Decimal {
  /** The digits without the point: "23.40" → 2340n. */
  readonly units: bigint;
  /** How many digits follow the point: "23.40" → 2. */
  readonly scale: number;
}

const DECIMAL = /^(\d+)(?:\.(\d+))?$/;

/** Parses a non-negative decimal string; returns undefined for anything else (signs, exponents, spaces). */
export function parseDecimal(text: string): Decimal | undefined {
  const match = DECIMAL.exec(text);
  if (!match) return undefined;
  const whole = match[1] ?? "";
  const fraction = match[2] ?? "";
  return { units: BigInt(whole + fraction), scale: fraction.length };
}

const minorUnitCache = new Map<string, number>();
let knownCurrencies: ReadonlySet<string> | undefined;

/** ISO 4217 minor units (EUR 2, JPY 0, BHD 3), from the runtime's own currency data; undefined if unknown. */
export function currencyMinorUnits(currency: string): number | undefined {
  if (!/^[A-Z]{3}$/.test(currency)) return undefined;
  // Intl formats any well-formed code, "XYZ" included (with 2 decimals), so only its list says which exist.
  knownCurrencies ??= new Set(Intl.supportedValuesOf("currency"));
  if (!knownCurrencies.has(currency)) return undefined;
  const cached = minorUnitCache.get(currency);
  if (cached !== undefined) return cached;
  try {
    const digits = new Intl.NumberFormat("en", { style: "currency", currency }).resolvedOptions()
      .maximumFractionDigits;
    if (digits === undefined) return undefined;
    minorUnitCache.set(currency, digits);
    return digits;
  } catch {
    return undefined;
  }
}

/** An exact fraction numerator/denominator with a positive denominator. */
export interface Ratio {
  readonly numerator: bigint;
  readonly denominator: bigint;
}

export function pow10(exponent: number): bigint {
  return 10n ** BigInt(exponent);
}

export function formatDecimal(value: Decimal): string {
  const digits = value.units.toString().padStart(value.scale + 1, "0");
  if (value.scale === 0) return digits;
  return `${digits.slice(0, -value.scale)}.${digits.slice(-value.scale)}`;
}

/**
 * Writes a ratio in decimal, exactly when it terminates within maxDigits, else rounded with a leading "≈".
 * Trailing zeros are dropped: 234/10 → "23.4".
 */
export function formatRatio(ratio: Ratio, maxDigits = 4): string {
  const { numerator, denominator } = ratio;
  const whole = numerator / denominator;
  let remainder = numerator % denominator;
  let fraction = "";
  while (remainder !== 0n && fraction.length < maxDigits) {
    remainder *= 10n;
    fraction += (remainder / denominator).toString();
    remainder %= denominator;
  }
  fraction = fraction.replace(/0+$/, "");
  const text = fraction ? `${whole}.${fraction}` : whole.toString();
  return remainder === 0n ? text : `≈${text}`;
}
