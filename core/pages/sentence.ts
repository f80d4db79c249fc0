/**
 * @module Messages as the pages show them. Services throw InputError with a lowercase fragment that
 * says what to do ("enter a name of 1 to 100 characters"), the JSON API's wording too; a page shows
 * it as a sentence: capitalized, ending with a period.
 */

/** `message` as a sentence: its first letter capitalized, a period added unless it ends with one (or ! or ?). */
export function sentence(message: string): string {
  const s = message.charAt(0).toUpperCase() + message.slice(1)
  return /[.!?]$/.test(s) ? s : s + '.'
}

/** A service's message about a password field as the sentence under it, without the field's name ("password: use..." -> "Use..."). */
export function fieldSentence(message: string): string {
  return sentence(message.replace(/^(new )?password: /, ''))
}
