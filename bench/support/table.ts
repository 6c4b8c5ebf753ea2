/** Plain-text tables and the few statistics every benchmark prints. */

export type Row = Record<string, string | number>;

export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  // Nearest rank: the smallest value with at least q of the values at or below it.
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}

export const median = (values: readonly number[]): number => quantile(values, 0.5);
export const sum = (values: readonly number[]): number => values.reduce((total, value) => total + value, 0);
export const mean = (values: readonly number[]): number => (values.length === 0 ? Number.NaN : sum(values) / values.length);

/** A number with `digits` decimals, or an integer with thousands separators when it is one. */
export function fmt(value: number, digits = 2): string {
  if (!Number.isFinite(value)) return String(value);
  if (Number.isInteger(value)) return value.toLocaleString('en-US');
  return value.toFixed(digits);
}

/** Print `rows` as an aligned table under a title; numbers right-aligned. */
export function printTable(title: string, rows: readonly Row[], note?: string): void {
  console.log(`\n## ${title}`);
  if (rows.length === 0) {
    console.log('(no rows)');
    return;
  }
  const columns = [...new Set(rows.flatMap((row) => Object.keys(row)))];
  const cells = rows.map((row) => columns.map((column) => (typeof row[column] === 'number' ? fmt(row[column]) : (row[column] ?? ''))));
  const widths = columns.map((column, index) => Math.max(column.length, ...cells.map((line) => line[index]!.length)));
  const numeric = columns.map((column) => rows.every((row) => row[column] === undefined || typeof row[column] === 'number'));
  const line = (values: string[]) => `| ${values.map((value, index) => (numeric[index] ? value.padStart(widths[index]!) : value.padEnd(widths[index]!))).join(' | ')} |`;
  console.log(line(columns));
  console.log(`|${widths.map((width, index) => (numeric[index] ? `${'-'.repeat(width + 1)}:` : '-'.repeat(width + 2))).join('|')}|`);
  for (const values of cells) console.log(line(values));
  if (note) console.log(note);
}

/** "met" / "MISSED" against a target, for the summary lines. */
export function verdict(met: boolean): string {
  return met ? 'met' : 'MISSED';
}
