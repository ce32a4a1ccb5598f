/**
 * One CSV record per line (RFC 4180 quoting, "" inside quotes for a quote; no line breaks inside a field,
 * which a line-by-line upload in parts cannot carry). Returns undefined for a malformed line.
 */
export function parseCsvLine(line: string, delimiter: "," | ";", maxFields: number): string[] | undefined {
  const fields: string[] = [];
  let i = 0;
  for (;;) {
    if (fields.length >= maxFields) return undefined;
    let field = "";
    if (line[i] === '"') {
      i++;
      for (;;) {
        if (i >= line.length) return undefined;
        if (line[i] === '"') {
          if (line[i + 1] === '"') {
            field += '"';
            i += 2;
            continue;
          }
          i++;
          break;
        }
        field += line[i];
        i++;
      }
      if (i < line.length && line[i] !== delimiter) return undefined;
    } else {
      const end = line.indexOf(delimiter, i);
      field = line.slice(i, end === -1 ? line.length : end);
      if (field.includes('"')) return undefined;
      i = end === -1 ? line.length : end;
    }
    fields.push(field.trim());
    if (i >= line.length) return fields;
    i++; // the delimiter
  }
}
