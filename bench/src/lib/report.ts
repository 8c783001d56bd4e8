/** One line of the results table. */
export interface Row {
  /** Section heading, e.g. "Verify throughput". */
  section: string;
  /** What was measured. */
  label: string;
  /** keyward's figure, formatted. */
  value: string;
  /** The baseline measured beside it (physical floor, unguarded route, peer…), formatted, with its name. */
  baseline: string;
  /** The comparison, formatted (e.g. "1.31× floor time", "96 %"). */
  ratio: string;
  /** The target as the issue states it. */
  target: string;
  /** Whether the target is met; null when the row has no target. */
  met: boolean | null;
  /** Anything a reader needs to interpret the row. */
  note?: string;
  /** Why the target is missed, shown in the document when `met` is false. */
  explain?: string;
}

export function opsPerSec(value: number): string {
  if (value >= 1e6) return `${(value / 1e6).toFixed(2)} M/s`;
  if (value >= 1e3) return `${(value / 1e3).toFixed(1)} k/s`;
  return `${value.toFixed(0)} /s`;
}

export function micros(valueMs: number): string {
  return valueMs >= 1 ? `${valueMs.toFixed(2)} ms` : `${(valueMs * 1000).toFixed(1)} µs`;
}

export function times(value: number): string {
  return value >= 100 ? `${value.toFixed(0)}×` : value >= 10 ? `${value.toFixed(1)}×` : `${value.toFixed(2)}×`;
}

export function percent(value: number): string {
  return `${(value * 100).toFixed(1)} %`;
}

function mark(met: boolean | null): string {
  return met === null ? '' : met ? 'met' : 'MISSED';
}

/** The table as plain text for the terminal. */
export function textTable(rows: readonly Row[]): string {
  const header = ['measurement', 'keyward', 'baseline', 'ratio', 'target', ''];
  const body = rows.map((r) => [`${r.section}: ${r.label}`, r.value, r.baseline, r.ratio, r.target, mark(r.met)]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((line) => line[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd();
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...body.map(line)].join('\n');
}

/** Notes of the rows that have one, numbered in table order. */
export function notes(rows: readonly Row[]): string[] {
  return rows.filter((r) => r.note).map((r) => `${r.section}: ${r.label}: ${r.note}`);
}

/** The table as Markdown, one table per section. */
export function markdownTables(rows: readonly Row[]): string {
  const sections = [...new Set(rows.map((r) => r.section))];
  const escape = (s: string) => s.replace(/\|/g, '\\|');
  return sections
    .map((section) => {
      const lines = rows
        .filter((r) => r.section === section)
        .map((r) => `| ${[r.label, r.value, r.baseline, r.ratio, r.target, mark(r.met)].map(escape).join(' | ')} |`);
      return [`### ${section}`, '', '| measurement | keyward | baseline | ratio | target | |', '|---|---|---|---|---|---|', ...lines].join('\n');
    })
    .join('\n\n');
}
