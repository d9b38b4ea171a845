import type { ServerRun } from "./routes";
import { BASELINE_ROUTE, setupLabel } from "./settings";

// docs/benchmarks.svg: one horizontal bar per database × strategy × authenticated route, its req/s as a share
// of its no-auth baseline measured on the same server (route handler: /api/ping; page: the signed-out page),
// with the target as a dashed line. Plain SVG, no library.

const escapeXml = (text: string) =>
  text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
const percent = (ratio: number) => `${Math.round(ratio * 100)}%`;

export function ratioChartSvg(servers: ServerRun[], target: number, subtitle: string): string {
  const bars = servers.flatMap((run) =>
    run.routes
      .filter((r) => r.kind === "authenticated")
      .map((r) => ({ label: `${run.provider} · ${setupLabel(run)} · ${r.route}`, ratio: r.baselineRatio ?? r.ratio })),
  );
  const width = 760;
  const labelWidth = 250;
  const plotWidth = 440;
  const top = 64;
  const rowHeight = 28;
  const plotHeight = bars.length * rowHeight;
  const height = top + plotHeight + 44;
  const maxRatio = Math.max(1.25, Math.ceil(Math.max(0, ...bars.map((b) => b.ratio)) * 4) / 4); // whole 25% ticks
  const x = (ratio: number) => labelWidth + (Math.max(0, ratio) / maxRatio) * plotWidth;

  const grid = [];
  for (let tick = 0; tick <= maxRatio + 1e-9; tick += 0.25) {
    grid.push(
      `<line x1="${x(tick)}" y1="${top - 6}" x2="${x(tick)}" y2="${top + plotHeight}" stroke="#e2e8f0"/>`,
      `<text x="${x(tick)}" y="${top + plotHeight + 18}" text-anchor="middle" class="tick">${percent(tick)}</text>`,
    );
  }
  const rows = bars.map((bar, i) => {
    const y = top + i * rowHeight;
    const colour = bar.ratio >= target ? "#059669" : "#d97706";
    return [
      `<text x="${labelWidth - 10}" y="${y + 18}" text-anchor="end" class="label">${escapeXml(bar.label)}</text>`,
      `<rect x="${labelWidth}" y="${y + 5}" width="${(x(bar.ratio) - labelWidth).toFixed(1)}" height="${rowHeight - 10}" rx="3" fill="${colour}"/>`,
      `<text x="${(x(bar.ratio) + 6).toFixed(1)}" y="${y + 18}" class="value">${percent(bar.ratio)}</text>`,
    ].join("\n  ");
  });
  const targetX = x(target);
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-label="Authenticated requests per second as a share of the no-auth baseline">
  <style>
    text { font-family: system-ui, -apple-system, "Segoe UI", sans-serif; fill: #0f172a; }
    .title { font-size: 15px; font-weight: 600; }
    .subtitle, .tick { font-size: 11px; fill: #475569; }
    .label, .value { font-size: 12px; }
    .value { paint-order: stroke; stroke: #ffffff; stroke-width: 3px; }
    .target { font-size: 11px; fill: #dc2626; }
  </style>
  <rect width="100%" height="100%" fill="#ffffff"/>
  <text x="16" y="24" class="title">Authenticated req/s as a share of the no-auth baseline on the same server</text>
  <text x="16" y="42" class="subtitle">${escapeXml(subtitle)}</text>
  ${grid.join("\n  ")}
  ${rows.join("\n  ")}
  <line x1="${targetX}" y1="${top - 10}" x2="${targetX}" y2="${top + plotHeight}" stroke="#dc2626" stroke-width="1.5" stroke-dasharray="5 4"/>
  <text x="${targetX + 4}" y="${top - 12}" class="target">target ${percent(target)}</text>
  <text x="16" y="${height - 8}" class="subtitle">baseline: GET ${BASELINE_ROUTE} for /api/me, the signed-out home page for pages · green: at or above the target · amber: below</text>
</svg>
`;
}
