/** Per-address rate limits: IPv4 keys on the address, IPv6 on its /64 prefix. */
import { expect, test } from 'bun:test'
import { addressKey, setRequestMeta } from './request-meta.ts'
import { limitAddress, clientIp } from './render.ts'
import { forwardedClient } from './server.ts'
import { RateLimiter } from '../auth/rate-limit.ts'

test('IPv4 is its own key; IPv6 keys on its /64 whatever the notation', () => {
  expect(addressKey('203.0.113.7')).toBe('203.0.113.7')
  expect(addressKey('127.0.0.1')).toBe('127.0.0.1')
  const same = ['2001:db8:1:2::1', '2001:db8:1:2:ffff:ffff:ffff:ffff', '2001:0DB8:0001:0002:0:0:0:9', '2001:db8:1:2:a:b:c:d%eth0', '2001:db8:1:2:0:0:1.2.3.4']
  for (const ip of same) expect({ ip, key: addressKey(ip) }).toEqual({ ip, key: '2001:db8:1:2::/64' })
  expect(addressKey('2001:db8:1:3::1')).toBe('2001:db8:1:3::/64') // the next /64 is another client
  expect(addressKey('2001:db8::1')).toBe('2001:db8:0:0::/64')
  expect(addressKey('::1')).toBe('0:0:0:0::/64')
  expect(addressKey('fe80::1%lo0')).toBe('fe80:0:0:0::/64')
})

test('IPv4-mapped IPv6 counts as the IPv4 address; junk is its own key', () => {
  expect(addressKey('::ffff:192.0.2.1')).toBe('192.0.2.1')
  expect(addressKey('::FFFF:c000:0201')).toBe('192.0.2.1')
  expect(addressKey('0:0:0:0:0:ffff:192.0.2.1')).toBe('192.0.2.1')
  for (const junk of ['', 'unknown', '1::2::3', '2001:db8:1:2:3:4:5:6:7', 'gggg::1', '::ffff:300.1.1.1', '1:2:3:4:5:6:7:8::']) expect(addressKey(junk)).toBe(junk)
})

test('a request limits under its /64, while audit keeps the whole address; one /64 shares one budget', () => {
  const request = new Request('http://x/login', { method: 'POST' })
  setRequestMeta(request, { id: 't', ip: '2001:db8:1:2:aaaa::5' })
  expect(clientIp(request)).toBe('2001:db8:1:2:aaaa::5')
  expect(limitAddress(request)).toBe('2001:db8:1:2::/64')
  // behind a proxy, the address X-Forwarded-For names is keyed the same way
  expect(addressKey(forwardedClient('2001:db8:1:2::99', '10.0.0.2', 1))).toBe('2001:db8:1:2::/64')
  const limiter = new RateLimiter(3, 60_000)
  const verdicts = ['2001:db8:1:2::1', '2001:db8:1:2::2', '2001:db8:1:2::3', '2001:db8:1:2::4'].map((ip) => limiter.hit(addressKey(ip)).ok)
  expect(verdicts).toEqual([true, true, true, false])
  expect(limiter.hit(addressKey('2001:db8:1:3::1')).ok).toBe(true)
})
