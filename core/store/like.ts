/** @module LIKE patterns for "contains" searches, the same on SQLite and PostgreSQL. */

/**
 * A pattern matching any text that contains `text` (lower-cased, so compare with `lower(column)`),
 * its `%`, `_` and `\` taken literally. Use it as `lower(col) like ${pattern} escape '\'`.
 */
export function containsPattern(text: string): string {
  return '%' + text.toLowerCase().replace(/[\\%_]/g, (c) => '\\' + c) + '%'
}
