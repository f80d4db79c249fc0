/** CSV cells for downloads: RFC 4180 quoting and formula injection defused. */
import { expect, test } from 'bun:test'
import { csvField, csvLine, undefuse } from './csv.ts'

test('cells a spreadsheet would run as a formula get a leading apostrophe; quoting as RFC 4180 says', () => {
  expect(csvField('=1+2')).toBe("'=1+2")
  expect(csvField('+1')).toBe("'+1")
  expect(csvField('-1')).toBe("'-1")
  expect(csvField('@SUM(A1)')).toBe("'@SUM(A1)")
  expect(csvField('\t=x')).toBe("'\t=x")
  expect(csvField('=HYPERLINK("http://x","y")')).toBe(`"'=HYPERLINK(""http://x"",""y"")"`)
  expect(csvField('a=b')).toBe('a=b')
  expect(csvField('a, b')).toBe('"a, b"')
  expect(csvField('two\nlines')).toBe('"two\nlines"')
  expect(csvField(null)).toBe('')
  expect(csvField(42)).toBe('42')
  expect(csvLine(['a', '-b', 'c,d'])).toBe(`a,'-b,"c,d"\r\n`)
})

test('a formula after a semicolon is defused too (spreadsheets whose list separator is ";" split there), and undefuse restores the text', () => {
  expect(csvField("x;=cmd|' /C calc'!A0")).toBe(`"x;'=cmd|' /C calc'!A0"`)
  expect(csvField('ok;@SUM(1+1)')).toBe(`"ok;'@SUM(1+1)"`)
  expect(csvField('a;b')).toBe('"a;b"')
  expect(csvField('bug;-high')).toBe(`"bug;'-high"`)
  for (const text of ["x;=cmd|' /C calc'!A0", '=1+2', 'ok;@SUM(1+1);+3', 'plain; text', "it's;fine"]) {
    const cell = csvField(text)
    const inner = cell.startsWith('"') ? cell.slice(1, -1).replace(/""/g, '"') : cell
    expect(undefuse(inner)).toBe(text)
  }
})
