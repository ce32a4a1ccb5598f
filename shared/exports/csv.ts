/**
 * CSV as RFC 4180 writes it: CRLF line ends, a field quoted when it holds a comma, a quote or a line
 * break, quotes doubled inside. Text cells that a spreadsheet would run as a formula (starting with
 * = + - @, or a tab or carriage return that some strip first) get a leading apostrophe (OWASP's "CSV
 * injection" guard): a member's name is whatever they typed on the join page. Numbers are written as
 * numbers (a debit's -50 must stay a number); they come from the ledger, never from a person.
 */
export type CsvValue = string | number | boolean | null | undefined;

const FORMULA_START = /^[=+\-@\t\r]/;
const NEEDS_QUOTES = /[",\r\n]/;

export function csvCell(value: CsvValue): string {
  if (value === null || value === undefined) return "";
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  const text = FORMULA_START.test(value) ? `'${value}` : value;
  return NEEDS_QUOTES.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

export const csvRow = (values: readonly CsvValue[]) => `${values.map(csvCell).join(",")}\r\n`;

/**
 * The byte order mark opens every file: Excel, which most merchants open these with, reads a CSV
 * without one in the system's legacy code page and garbles accented names ("Hélène"). Other readers
 * (Python's csv with utf-8-sig, LibreOffice, Numbers) skip it.
 */
export const UTF8_BOM = "\uFEFF";
