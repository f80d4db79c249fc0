/**
 * @module A short name for a session's User-Agent ("Chrome on Linux", "Safari on iPhone", "curl"):
 * enough for a person to recognize their devices, not a full parser. Order matters: browsers built
 * on Chrome name Chrome (and often Safari) too, so the more specific names are tried first.
 */

/** Browsers by a token of their User-Agent, the most specific first. */
const BROWSERS: [RegExp, string][] = [
  [/\bEdg(?:e|A|iOS)?\//, 'Edge'],
  [/\b(?:OPR|Opera|OPiOS)\//, 'Opera'],
  [/\bSamsungBrowser\//, 'Samsung Internet'],
  [/\bVivaldi\//, 'Vivaldi'],
  [/\bYaBrowser\//, 'Yandex Browser'],
  [/\b(?:Firefox|FxiOS)\//, 'Firefox'],
  [/\bHeadlessChrome\//, 'Headless Chrome'],
  [/\b(?:Chrome|CriOS|Chromium)\//, 'Chrome'],
  [/\bVersion\/[\d.]+.*\bSafari\//, 'Safari'],
]

/** Operating systems (and Apple devices), the most specific first. */
const SYSTEMS: [RegExp, string][] = [
  [/\biPhone\b/, 'iPhone'],
  [/\biPad\b/, 'iPad'],
  [/\biPod\b/, 'iPod'],
  [/\bAndroid\b/, 'Android'],
  [/\bCrOS\b/, 'ChromeOS'],
  [/\bWindows\b/, 'Windows'],
  [/\b(?:Macintosh|Mac OS X)\b/, 'macOS'],
  [/\b(?:Ubuntu|Fedora|Linux|X11)\b/, 'Linux'],
  [/\bFreeBSD\b/, 'FreeBSD'],
]

/** Command-line tools and HTTP libraries, named by the product token they start with. */
const TOOLS: [RegExp, string][] = [
  [/^curl\//i, 'curl'],
  [/^Wget\//i, 'Wget'],
  [/^HTTPie\//i, 'HTTPie'],
  [/^python-requests\//i, 'Python requests'],
  [/^python-urllib/i, 'Python urllib'],
  [/^python-httpx\//i, 'Python httpx'],
  [/^aiohttp\//i, 'Python aiohttp'],
  [/^Go-http-client\//i, 'Go HTTP client'],
  [/^node-fetch\b/i, 'node-fetch'],
  [/^node\b/i, 'Node.js'],
  [/^undici\b/i, 'Node.js'],
  [/^axios\//i, 'axios'],
  [/^Bun\//i, 'Bun'],
  [/^Deno\//i, 'Deno'],
  [/^PostmanRuntime\//i, 'Postman'],
  [/^insomnia\//i, 'Insomnia'],
  [/^okhttp\//i, 'OkHttp'],
  [/^Java\//i, 'Java'],
]

/** The longest name shown for an unrecognized User-Agent's first product token. */
const PRODUCT_MAX = 40

/**
 * "Browser on system", the browser or the system alone when only one is known, a tool's name, the
 * first product token of anything else ("MyTool/1.0" is "MyTool"), or "Unknown browser".
 */
export function describeUserAgent(userAgent: string | null | undefined): string {
  const ua = (userAgent ?? '').trim()
  if (!ua) return 'Unknown browser'
  for (const [pattern, name] of TOOLS) if (pattern.test(ua)) return name
  const browser = BROWSERS.find(([pattern]) => pattern.test(ua))?.[1]
  const system = SYSTEMS.find(([pattern]) => pattern.test(ua))?.[1]
  if (browser && system) return `${browser} on ${system}`
  if (browser) return browser
  if (system) return `Browser on ${system}`
  const product = /^[A-Za-z][\w.+-]*/.exec(ua)?.[0]
  if (product && product !== 'Mozilla') return product.slice(0, PRODUCT_MAX)
  return 'Unknown browser'
}
