/**
 * @module Server-sent events for the notification bell: one in-memory set of open streams per user.
 * A stream is tied to the user's current organization when it opened; `push` sends the fresh bell
 * fragment to that user's streams in that organization. Heartbeats (comments) every ~25 s keep
 * proxies and the server's idle timeout from cutting quiet streams; `closeAll` ends them on disable.
 *
 * One stream per open tab. htmx 4's hx-sse (`hx-sse:connect`) closes a tab's stream while the tab is
 * hidden and reopens it when it shows (its `pauseOnBackground`, on by default), so only visible tabs
 * hold a connection; the reopened stream starts with the current bell.
 */

const encoder = new TextEncoder()

/** The SSE `retry` the bell's streams announce (ms). */
export const RETRY_MS = 1000

/** One open stream. */
interface Stream {
  orgId: string
  send(chunk: string): boolean
  close(): void
}

/** Writes `html` as one unnamed SSE message (hx-sse swaps it into the connecting element). */
export function sseMessage(html: string): string {
  return html.split(/\r\n|\r|\n/).map((line) => `data: ${line}`).join('\n') + '\n\n'
}

/** The open streams of this plugin instance. */
export class LiveHub {
  private readonly streams = new Map<string, Set<Stream>>()

  /** Number of open streams (of one user, or all). */
  count(userId?: string): number {
    if (userId) return this.streams.get(userId)?.size ?? 0
    let n = 0
    for (const set of this.streams.values()) n += set.size
    return n
  }

  /**
   * Opens a stream for a user: `first` is sent at once (the current bell), then whatever `push`
   * sends. The stream is dropped when the client goes away (`signal`), a write fails, or on `closeAll`.
   */
  open(userId: string, orgId: string, first: string, signal: AbortSignal): Response {
    let stream: Stream | undefined
    const remove = () => {
      if (!stream) return
      const set = this.streams.get(userId)
      set?.delete(stream)
      if (set && set.size === 0) this.streams.delete(userId)
    }
    const body = new ReadableStream<Uint8Array>({
      start: (controller) => {
        let open = true
        stream = {
          orgId,
          send(chunk) {
            if (!open) return false
            try {
              controller.enqueue(encoder.encode(chunk))
              return true
            } catch {
              open = false
              remove()
              return false
            }
          },
          close() {
            if (!open) return
            open = false
            remove()
            try {
              controller.close()
            } catch {
              // already closed by the client
            }
          },
        }
        let set = this.streams.get(userId)
        if (!set) this.streams.set(userId, (set = new Set()))
        set.add(stream)
        // hx-sse waits `retry` before reconnecting, doubling it after each failure (up to a minute);
        // it also waits it when a hidden tab (stream closed) shows again, so keep it short
        stream.send(`retry: ${RETRY_MS}\n` + sseMessage(first))
        signal.addEventListener('abort', () => stream?.close(), { once: true })
      },
      cancel: () => {
        const s = stream
        remove()
        s?.close()
      },
    })
    return new Response(body, {
      headers: {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-store',
        'x-accel-buffering': 'no',
      },
    })
  }

  /** Sends `html` to every stream of `userId` opened in `orgId`. */
  push(userId: string, orgId: string, html: string): void {
    const set = this.streams.get(userId)
    if (!set) return
    const msg = sseMessage(html)
    for (const s of [...set]) if (s.orgId === orgId) s.send(msg)
  }

  /** Users with an open stream in `orgId` (or any org). */
  users(): { userId: string; orgIds: string[] }[] {
    return [...this.streams].map(([userId, set]) => ({ userId, orgIds: [...new Set([...set].map((s) => s.orgId))] }))
  }

  /** A comment line on every stream (keeps them from idling out); drops dead ones. */
  heartbeat(): void {
    for (const set of [...this.streams.values()]) for (const s of [...set]) s.send(': keep-alive\n\n')
  }

  /** Ends every stream (plugin disabled, shutdown). */
  closeAll(): void {
    for (const set of [...this.streams.values()]) for (const s of [...set]) s.close()
    this.streams.clear()
  }
}
