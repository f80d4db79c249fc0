/**
 * @module Request body limits: how large a body each route takes, and the early 413 for one that
 * says it is larger (Content-Length) or turns out larger (a chunked body, read up to the limit).
 */
import { errorFor } from './respond.ts'

const MB = 1024 * 1024

/**
 * The body limits, in bytes. `default` covers every form and JSON call (the largest text field is
 * far below it); `import` covers routes whose last segment is `import` (a CSV or .ics file of at
 * most 5 MB, plus the multipart wrapping). `import` is also Bun's `maxRequestBodySize`: no body,
 * whatever it says of its length, is read past it.
 */
export const BODY_LIMITS = { default: 1 * MB, import: 10 * MB } as const

/** The most any request body may carry (Bun refuses the rest before a handler runs). */
export const MAX_BODY_BYTES = Math.max(...Object.values(BODY_LIMITS))

/** The body limit of a path: `import` for `.../import`, else `default`. */
export function bodyLimitFor(pathname: string): number {
  return pathname.endsWith('/import') ? BODY_LIMITS.import : BODY_LIMITS.default
}

/** The 413: JSON on the API, a page elsewhere, saying the limit. */
function tooLarge(pathname: string, limit: number): Response {
  const mb = limit / MB
  return errorFor(pathname, 413, 'body_too_large', 'Request too large', `The request is larger than ${mb} MB, the most this address takes. Send less (a smaller file, or shorter text).`)
}

/**
 * Refuses a body larger than its route's limit, before anything reads it: a Content-Length over the
 * limit at once; a body without one (chunked) is read from a copy up to the limit, so the copy the
 * route reads is known to fit. Undefined when the body may pass.
 */
export async function bodyTooLarge(request: Request, pathname: string): Promise<Response | undefined> {
  const limit = bodyLimitFor(pathname)
  const length = request.headers.get('content-length')
  if (length !== null) return Number(length) > limit ? tooLarge(pathname, limit) : undefined
  // No length: chunked, or no body at all. Bun already stops at MAX_BODY_BYTES.
  if (!request.body || limit >= MAX_BODY_BYTES) return undefined
  const reader = request.clone().body!.getReader()
  let read = 0
  try {
    for (;;) {
      const { done, value } = await reader.read()
      if (done) return undefined
      read += value.byteLength
      if (read > limit) return tooLarge(pathname, limit)
    }
  } catch {
    return undefined // the body could not be read: the route says so when it reads its own copy
  } finally {
    reader.cancel().catch(() => {})
  }
}
