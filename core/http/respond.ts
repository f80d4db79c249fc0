/** @module Error answers: a JSON error for the API, an HTML page for the browser. */
import { ErrorPage, messageText, type ErrorMessage } from '../../views/error-page.tsx'

/** The JSON error body every API answers with. */
export interface ApiError {
  error: { code: string; message: string }
}

/** True when the path is an API path (JSON answers). */
export function isApiPath(pathname: string): boolean {
  return pathname === '/api' || pathname.startsWith('/api/')
}

/** A JSON error response. */
export function jsonError(status: number, code: string, message: string, headers?: HeadersInit): Response {
  const body: ApiError = { error: { code, message } }
  return Response.json(body, { status, headers })
}

/** Bare error pages (`htmlError`) and what they say, so the dispatcher can show them in the shell. */
const bareErrors = new WeakMap<Response, { status: number; title: string; message: ErrorMessage }>()

/** An HTML error page. */
export function htmlError(status: number, title: string, message: ErrorMessage, action?: { href: string; label: string }): Response {
  const html = '<!doctype html>' + ErrorPage({ status, title, message, action })
  const response = new Response(html, { status, headers: { 'content-type': 'text/html; charset=utf-8' } })
  bareErrors.set(response, { status, title, message })
  return response
}

/**
 * A bare error page (`htmlError`, which plugins reach through `errorFor`) answered to a signed-in
 * browser becomes the same page inside the shell, with the nav, so a stale link never strands
 * anyone. Headers the route added about the error (Retry-After, x-*, cookies) are kept. Anything else is
 * returned as it is.
 */
export async function errorInShell(request: Request, response: Response): Promise<Response> {
  const error = bareErrors.get(response)
  if (!error || !shellErrors) return response
  const page = await shellErrors(request, error.status, error.title, error.message).catch(() => undefined)
  if (!page) return response
  // What the route said about the error (Retry-After, its own x- headers, cookies) carries over;
  // caching headers do not: the page now holds the viewer's name and CSRF token.
  response.headers.forEach((value, key) => {
    if (CARRIED.has(key) || (key.startsWith('x-') && !page.headers.has(key))) page.headers.set(key, value)
  })
  for (const c of response.headers.getSetCookie()) page.headers.append('set-cookie', c)
  return page
}

/** Headers of a bare error page that its in-shell copy keeps. */
const CARRIED = new Set(['retry-after', 'www-authenticate', 'vary'])

/** Picks JSON for API paths (the message's sentence) and HTML elsewhere. */
export function errorFor(pathname: string, status: number, code: string, title: string, message: ErrorMessage): Response {
  return isApiPath(pathname) ? jsonError(status, code, messageText(message)) : htmlError(status, title, message, { href: '/', label: 'Go to the start page' })
}

type ShellErrorRenderer = (request: Request, status: number, title: string, message: ErrorMessage) => Promise<Response | undefined>
let shellErrors: ShellErrorRenderer | undefined

/** Lets error pages render inside the shell for signed-in users (set once identity exists). */
export function setShellErrorPages(render: ShellErrorRenderer): void {
  shellErrors = render
}

/** Like `errorFor`, but a signed-in browser gets the page inside the shell, with its nav. */
export async function errorPageFor(request: Request, pathname: string, status: number, code: string, title: string, message: ErrorMessage): Promise<Response> {
  if (!isApiPath(pathname) && shellErrors) {
    const page = await shellErrors(request, status, title, message).catch(() => undefined)
    if (page) return page
  }
  return errorFor(pathname, status, code, title, message)
}

/** The 404 every router answers for an unknown path (a page in the shell, or JSON on the API). */
export function notFoundFor(request: Request, pathname: string): Promise<Response> {
  return errorPageFor(request, pathname, 404, 'not_found', 'Page not found', `Nothing lives at ${pathname}. Check the address, or start again from the home page.`)
}

/**
 * A unique index refused a write that the service's own check let through (two people saving the
 * same name at the same moment): a 409 that says what to do, not a 500.
 */
export function conflictFor(request: Request, pathname: string): Promise<Response> {
  return errorPageFor(request, pathname, 409, 'conflict', 'Already taken', 'Someone saved the same name or address at the same moment. Reload the page and try again with another one.')
}

/**
 * The 500 for an exception: what happened and the request id to quote, never the exception's own
 * text (it may name tables, files or values). Log the error with the same id before answering.
 */
export function internalErrorFor(request: Request, pathname: string, requestId: string): Promise<Response> {
  const id = requestId === '-' ? '' : ` (request id ${requestId})`
  return errorPageFor(request, pathname, 500, 'internal', 'Something went wrong', `The error was logged${id}. Try again; if it keeps happening, tell your admin${id ? ' and quote that id' : ''}.`)
}
