/** @module Test support for the calendar's tests: a JSON request with the CSRF token, answered as status, parsed body and headers. */
import type { Client } from './client.ts'

/**
 * Sends `body` as JSON (with the client's CSRF token) and reads the answer: an empty body is
 * `undefined`; any other body must be JSON (a page or plain text where JSON was expected throws).
 */
export async function api(c: Client, method: string, path: string, body?: unknown): Promise<{ status: number; json: any; headers: Headers }> {
  const res = await c.request(path, { method, headers: { 'content-type': 'application/json', 'x-csrf-token': c.csrf }, body: body === undefined ? undefined : JSON.stringify(body) })
  const text = await res.text()
  return { status: res.status, json: text ? JSON.parse(text) : undefined, headers: res.headers }
}
