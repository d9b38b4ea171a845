import { formatTable } from "../scripts/lib/table";

// One table, rendered as aligned text for the terminal and as Markdown for docs/benchmarks.md.
export type Table = { title: string; headers: string[]; rows: string[][]; notes?: string[] };

export function tableText(table: Table): string {
  return [table.title, formatTable(table.headers, table.rows), ...(table.notes ?? []).map((n) => `  ${n}`)].join("\n");
}

export function tableMarkdown(table: Table): string {
  const line = (cells: string[]) => `| ${cells.map((c) => c.replace(/\|/g, "\\|")).join(" | ")} |`;
  return [line(table.headers), line(table.headers.map(() => "---")), ...table.rows.map(line)].join("\n");
}
