/**
 * The checks every URL passes before the worker fetches it, the first one and every redirect
 * target alike. The WHATWG URL parser has already normalised IPv4 spellings (2130706433,
 * 0x7f.1, 0177.0.0.1 all become 127.0.0.1), so the address checks see dotted quads.
 */
import { ProblemError } from '../http/problem.ts'
import { hostAllowed, type FetchPolicy } from './fetch-policy.ts'

export function refuseAt(pointer: string, detail: string): never {
  throw new ProblemError('invalid-request', detail, [{ in: 'body', pointer, detail }])
}

function ipv4Private(host: string): string | null {
  const m = /^(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(host)
  if (!m) return null
  const [a, b] = [Number(m[1]), Number(m[2])]
  if (a === 127) return 'a loopback address'
  if (a === 0) return 'an unspecified (0.0.0.0/8) address'
  if (a === 10 || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168))
    return 'a private (RFC 1918) address'
  if (a === 100 && b >= 64 && b <= 127) return 'a carrier-grade NAT (RFC 6598) address'
  if (a === 169 && b === 254) return 'a link-local address (cloud metadata lives here)'
  if (a >= 224) return 'a multicast or reserved address'
  return 'an IP address rather than a host name'
}

function ipv6Private(host: string): string | null {
  if (!host.startsWith('[')) return null
  const ip = host.slice(1, -1).toLowerCase()
  if (ip === '::1') return 'a loopback address'
  if (ip === '::') return 'an unspecified address'
  if (/^fe[89ab]/.test(ip)) return 'a link-local address'
  if (/^f[cd]/.test(ip)) return 'a private (unique local) address'
  const mapped = /^::ffff:(.+)$/.exec(ip)
  if (mapped) return 'an IPv4-mapped address'
  return 'an IP address rather than a host name'
}

/** Names that resolve to the machine itself or the local network by convention. */
function localName(host: string): string | null {
  if (host === 'localhost' || host.endsWith('.localhost')) return 'a loopback name'
  if (/\.(local|internal|lan|home\.arpa)$/.test(host) || !host.includes('.')) return 'a local-network name'
  return null
}

/** The URL to fetch, or a 422 naming `pointer` and why the worker will not fetch it. */
export function checkUrl(raw: string, policy: FetchPolicy, pointer: string, context = ''): URL {
  let url: URL
  try {
    url = new URL(raw)
  } catch {
    return refuseAt(pointer, `${context}"${raw.slice(0, 100)}" is not an absolute URL.`)
  }
  const refuse = (p: string, detail: string) => refuseAt(p, context + detail)
  if (url.protocol !== 'https:')
    refuse(pointer, `Only https URLs are fetched; got ${url.protocol.replace(':', '')}.`)
  if (url.username || url.password) refuse(pointer, 'URLs with credentials (user:password@) are not fetched.')
  if (url.port && url.port !== '443')
    refuse(pointer, `Only the default https port is fetched; got port ${url.port}.`)
  const host = url.hostname.toLowerCase()
  const local = ipv4Private(host) ?? ipv6Private(host) ?? localName(host)
  if (local) refuse(pointer, `${host} is ${local}; the worker fetches only from allowed public hosts.`)
  if (!hostAllowed(host, policy)) {
    refuse(
      pointer,
      `${host} is not an allowed host (${policy.allowedHosts.join(', ')}); ` +
        `operators add hosts with MODEL_FETCH_ALLOWED_HOSTS in wrangler.toml.`,
    )
  }
  return url
}
