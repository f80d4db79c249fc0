/** @module CSV for downloads (RFC 4180 quoting, CRLF lines), with cells defused against formula injection. */

/**
 * One CSV cell, quoted when it holds a comma, quote or line break. A cell a spreadsheet would read
 * as a formula (starting with = + - @, a tab or a carriage return) gets a leading apostrophe, so
 * an audit target such as `=HYPERLINK(...)` is shown as text, never run.
 */
export function csvField(value: unknown): string {
  let s = value == null ? '' : String(value)
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s
}

/** One CSV record of cells, ending with CRLF. */
export function csvLine(values: unknown[]): string {
  return values.map(csvField).join(',') + '\r\n'
}
