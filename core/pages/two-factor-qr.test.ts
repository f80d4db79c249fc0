/** The two-factor enrollment QR code has the quiet zone scanners need (4 white modules all round). */
import { afterAll, beforeAll, expect, test } from 'bun:test'
import { eachDialect } from '../../test/helpers/store.ts'
import { startPlatform, type TestPlatform } from '../../test/helpers/platform.ts'
import { fixturePlugins } from '../../test/fixtures/index.ts'
import { QR_QUIET_ZONE } from '../auth/two-factor.ts'

eachDialect('two-factor QR code', (dialect) => {
  let p: TestPlatform
  beforeAll(async () => {
    p = await startPlatform(dialect, fixturePlugins)
  })
  afterAll(() => p.stop())

  test('the code sits inside a white quiet zone of 4 modules on every side', async () => {
    const { client } = await p.member('member')
    await client.get('/account/2fa')
    const begun = await client.post('/account/2fa/begin')
    expect(begun.status).toBe(200)
    const svg = /<div class="qr"[^>]*>\s*(<svg[\s\S]*?<\/svg>)/.exec(await begun.text())?.[1]
    expect(svg).toBeTruthy()
    const size = Number(/viewBox="0 0 (\d+) \1"/.exec(svg!)?.[1])
    expect(svg).toContain(`<path fill="#ffffff" d="M0 0h${size}v${size}H0z"/>`) // white behind it all
    const dark = /<path stroke="#000000" d="([^"]+)"/.exec(svg!)![1]!
    // the dark modules' rows start at y = 4.5 and end at size - 4 - 0.5; columns likewise
    const rows = [...dark.matchAll(/M(\d+) (\d+(?:\.5)?)/g)].map((m) => ({ x: Number(m[1]), y: Number(m[2]) }))
    expect(QR_QUIET_ZONE).toBe(4)
    expect(Math.min(...rows.map((r) => r.y))).toBe(QR_QUIET_ZONE + 0.5)
    expect(Math.max(...rows.map((r) => r.y))).toBe(size - QR_QUIET_ZONE - 0.5)
    expect(Math.min(...rows.map((r) => r.x))).toBe(QR_QUIET_ZONE)
    // a version-N code is 17 + 4N modules wide: what is left is the quiet zone on both sides
    expect((size - 2 * QR_QUIET_ZONE - 17) % 4).toBe(0)
  })
})
