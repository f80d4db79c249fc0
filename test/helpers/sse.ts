/** @module Reads a server-sent event stream in a test until some text shows up. */

/** Wraps a streaming response: `readUntil(text)` waits (5 s at most) until the stream has carried it. */
export function sseReader(res: Response, abort?: AbortController) {
  const reader = res.body!.getReader()
  const decoder = new TextDecoder()
  let seen = ''
  return {
    /** Everything the stream carried so far. */
    get seen() {
      return seen
    },
    async readUntil(needle: string, timeoutMs = 5000): Promise<void> {
      const deadline = Date.now() + timeoutMs
      while (!seen.includes(needle)) {
        if (Date.now() > deadline) throw new Error(`no "${needle}" in stream: ${seen}`)
        const { value, done } = await reader.read()
        if (done) throw new Error('stream ended')
        seen += decoder.decode(value, { stream: true })
      }
    },
    async close(): Promise<void> {
      abort?.abort()
      await reader.cancel().catch(() => {})
    },
  }
}
