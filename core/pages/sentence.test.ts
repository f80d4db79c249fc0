/** Service messages as the pages show them: capitalized, one period at the end, a password field's name dropped. */
import { expect, test } from 'bun:test'
import { fieldSentence, sentence } from './sentence.ts'

test('sentence: capital first letter, a period unless the message ends with one', () => {
  expect(sentence('enter a name of 1 to 100 characters')).toBe('Enter a name of 1 to 100 characters.')
  expect(sentence('Already a sentence.')).toBe('Already a sentence.')
  expect(sentence('is it?')).toBe('Is it?')
  expect(sentence('"quoted" first')).toBe('"quoted" first.')
})

test('fieldSentence: "password: " and "new password: " are the field\'s own label, not repeated under it', () => {
  expect(fieldSentence('password: use at least 8 characters')).toBe('Use at least 8 characters.')
  expect(fieldSentence('new password: use at most 256 characters')).toBe('Use at most 256 characters.')
  expect(fieldSentence('the current password is not right')).toBe('The current password is not right.')
})
