/** Turns the results into Markdown tables, one per section, for the README's Performance section. */
export function toMarkdown(results: Record<string, unknown>): string {
  const lines: string[] = [];
  const machine = results.machine as Record<string, unknown>;
  lines.push(
    `Last run ${results.measuredAt} on ${machine.cpus} × ${machine.cpu}, ${machine.memoryGiB} GiB, Node ${machine.node}.`,
    "",
  );
  const measured = (results.sectionsMeasured ?? {}) as Record<string, string>;
  for (const [name, value] of Object.entries(results)) {
    if (name === "measuredAt" || name === "machine" || name === "sectionsMeasured") continue;
    lines.push(`### ${name}`, "");
    if (measured[name]) lines.push(`Measured ${measured[name]}.`, "");
    const section = value as Record<string, unknown>;
    const rows = section.rows as Record<string, unknown>[] | undefined;
    const rest = Object.fromEntries(Object.entries(section).filter(([key]) => key !== "rows"));
    if (Object.keys(rest).length > 0) lines.push(`\`${JSON.stringify(rest)}\``, "");
    if (rows?.length) lines.push(...table(rows), "");
  }
  return `${lines.join("\n")}\n`;
}

function table(rows: Record<string, unknown>[]): string[] {
  const flat = rows.map((row) => flatten(row));
  const columns = [...new Set(flat.flatMap((row) => Object.keys(row)))];
  return [
    `| ${columns.join(" | ")} |`,
    `| ${columns.map(() => "---").join(" | ")} |`,
    ...flat.map((row) => `| ${columns.map((c) => String(row[c] ?? "")).join(" | ")} |`),
  ];
}

function flatten(value: Record<string, unknown>, prefix = ""): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(value).flatMap(([key, inner]) =>
      inner && typeof inner === "object" && !Array.isArray(inner)
        ? Object.entries(flatten(inner as Record<string, unknown>, `${prefix}${key}.`))
        : [[`${prefix}${key}`, inner]],
    ),
  );
}
