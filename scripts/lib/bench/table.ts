// One table, rendered as aligned text for the terminal and as Markdown for docs/benchmarks.md.
export type Table = { title: string; headers: string[]; rows: string[][]; notes?: string[] };

export function tableText(table: Table): string {
  const widths = table.headers.map((h, c) => Math.max(h.length, ...table.rows.map((r) => (r[c] ?? "").length)));
  const line = (cells: string[]) =>
    cells
      .map((cell, c) => cell.padEnd(widths[c]))
      .join("  ")
      .trimEnd();
  return [
    table.title,
    line(table.headers),
    line(widths.map((w) => "-".repeat(w))),
    ...table.rows.map(line),
    ...(table.notes ?? []).map((n) => `  ${n}`),
  ].join("\n");
}

export function tableMarkdown(table: Table): string {
  const line = (cells: string[]) => `| ${cells.map((c) => c.replace(/\|/g, "\\|")).join(" | ")} |`;
  return [line(table.headers), line(table.headers.map(() => "---")), ...table.rows.map(line)].join("\n");
}
