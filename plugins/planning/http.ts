/** @module Helpers the planning routes share: the org and actor of a request, errors as pages or JSON. */
import { InputError } from '../../core/auth/accounts.ts'
import type { Auth } from '../../core/auth/resolve.ts'
import { errorFor, jsonError } from '../../core/http/respond.ts'
import type { FieldErrors } from '../../views/components.tsx'
import type { Actor } from './service.ts'
import { TaskFieldErrors } from './task-input.ts'

/** The viewer's organization id; 404 when they have none. */
export function orgOf(auth: Auth): string {
  if (!auth.org) throw new InputError('You belong to no organization: ask an admin to add you to one.', 'org', 404)
  return auth.org.id
}

/** Who acts, for events and history. */
export function actorOf(auth: Auth): Actor {
  return { id: auth.user.id, name: auth.user.name }
}

const TITLES: Record<number, string> = { 400: 'Bad request', 403: 'Not allowed', 404: 'Not found', 409: 'Cannot do that', 422: 'Cannot do that' }

/** An InputError as an error page or JSON error with its status; anything else is rethrown. */
export function problem(request: Request, err: unknown): Response {
  if (!(err instanceof InputError)) throw err
  const code = err.status === 404 ? 'not_found' : err.status === 409 ? 'conflict' : err.status === 403 ? 'forbidden' : 'invalid'
  const path = new URL(request.url).pathname
  if (path.startsWith('/api/')) {
    // several refused fields: each sentence names its own
    const message = err instanceof TaskFieldErrors ? Object.entries(err.errors).map(([field, m]) => namingField(m, field)).join(' ') : err.field && err.status === 422 ? namingField(err.message, err.field) : err.message
    return jsonError(err.status, code, message)
  }
  return errorFor(path, err.status, code, TITLES[err.status] ?? 'Cannot do that', err.message)
}

/** An API message naming the refused field: "Enter a title (title)." (before the message's last period). */
function namingField(message: string, field: string): string {
  return message.endsWith('.') ? `${message.slice(0, -1)} (${field}).` : `${message} (${field})`
}

/** True for errors a form shows next to its fields (not 404s). */
export function isFormError(err: unknown): err is InputError {
  return err instanceof InputError && err.status !== 404 && err.status !== 403
}

/** `{ field: message }` of a form error: every field's, when several were refused at once. */
export function fieldErrors(err: InputError): FieldErrors {
  if (err instanceof TaskFieldErrors) return { ...err.errors }
  return { [err.field ?? '_']: err.message }
}

/** The line above a refused form: the error itself, or how many fields need a change when several do. */
export function formSummary(err: InputError): string {
  const n = err instanceof TaskFieldErrors ? Object.keys(err.errors).length : 1
  return n > 1 ? `${n} fields need a change (marked below).` : err.message
}

/** Reads a JSON body; an unreadable one is an empty object. */
export function jsonBody(body: unknown): Record<string, unknown> {
  return body && typeof body === 'object' && !Array.isArray(body) ? (body as Record<string, unknown>) : {}
}
