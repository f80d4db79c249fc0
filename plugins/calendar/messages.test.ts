/**
 * The calendar's error messages read alike: each InputError written in its source (and each reason an
 * .ics import's report gives) is a sentence, starting with a capital (or a quoted value, a time, a
 * field name after "Send") and ending with a period. The HTTP tests assert the messages themselves.
 */
import { expect, test } from 'bun:test'
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { yearRangeText } from './time.ts'

const DIR = import.meta.dir

/** The calendar's source files (not its tests). */
function sources(): string[] {
  const files: string[] = []
  for (const dir of [DIR, join(DIR, 'views')]) {
    for (const f of readdirSync(dir)) if (/\.tsx?$/.test(f) && !f.includes('.test.')) files.push(join(dir, f))
  }
  return files
}

/** Every string or template literal passed first to `new InputError(` or given as an import report's `reason:`. */
function messages(): { file: string; text: string }[] {
  const out: { file: string; text: string }[] = []
  const literal = /(?:new InputError\(|reason: (?:err instanceof InputError \? `[^`]*` : )?)\s*(['`])((?:\\.|(?!\1)[^\\])*)\1/g
  for (const file of sources()) {
    const src = readFileSync(file, 'utf8')
    for (const m of src.matchAll(literal)) out.push({ file: file.slice(DIR.length + 1), text: m[2]! })
  }
  return out
}

test('every calendar error message starts as a sentence and ends with a period', () => {
  const found = messages()
  // the scan finds them (a change of style in the source would make this test pass on nothing)
  expect(found.length).toBeGreaterThan(80)
  const bad = found.filter(({ text }) => /^[a-z]/.test(text) || !/\.$/.test(text)).map(({ file, text }) => `${file}: ${text}`)
  expect(bad).toEqual([])
  // the year range is said the same way (its callers add what follows and the period)
  expect(yearRangeText('a start date')).toBe('Enter a start date between 1900-01-01 and 2200-12-31')
})
