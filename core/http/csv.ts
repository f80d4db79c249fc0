/** @module CSV for downloads (RFC 4180 quoting, CRLF lines), with cells defused against formula injection. */

/** A formula's first character where a spreadsheet starts a cell: the value's start, or after a ';'. */
const FORMULA_AT = /(^|;)(?=[=+\-@\t\r])/g
const DEFUSED_AT = /(^|;)'(?=[=+\-@\t\r])/g

/**
 * One CSV cell, quoted when it holds a comma, quote, semicolon or line break. A cell a spreadsheet
 * would read as a formula (starting with = + - @, a tab or a carriage return) gets a leading
 * apostrophe, so an audit target such as `=HYPERLINK(...)` is shown as text, never run. The same
 * goes for such a character after a ';': a spreadsheet whose list separator is ';' (the default in
 * much of Europe) splits the line there, quotes or not, so `x;=cmd|...` would start a cell too.
 */
export function csvField(value: unknown): string {
  const s = (value == null ? '' : String(value)).replace(FORMULA_AT, "$1'")
  return /[",;\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s
}

/** A cell's text as it was before `csvField` defused it (for importing a file this wrote). */
export function undefuse(cell: string): string {
  return cell.replace(DEFUSED_AT, '$1')
}

/** One CSV record of cells, ending with CRLF. */
export function csvLine(values: unknown[]): string {
  return values.map(csvField).join(',') + '\r\n'
}
