/**
 * A fetch for one API request that enforces the FetchPolicy on everything it is asked for:
 * each URL and each redirect target checked (redirects are followed by hand, never by the
 * runtime), one deadline for the whole request, one byte budget over every answer (a server
 * that ignores a Range header and streams a 40 GB file is cut off at the budget).
 */
import { ProblemError } from '../http/problem.ts'
import { checkUrl, refuseAt } from './check-url.ts'
import type { FetchPolicy } from './fetch-policy.ts'

const REDIRECTS = new Set([301, 302, 303, 307, 308])

export type FetchLike = (input: string, init?: RequestInit) => Promise<Response>

function upstream(detail: string): never {
  throw new ProblemError('bad-gateway', detail)
}

export class GuardedFetch {
  readonly policy: FetchPolicy
  readonly pointer: string
  private readonly base: FetchLike
  private readonly signal: AbortSignal
  private bytes = 0

  constructor(policy: FetchPolicy, base: FetchLike, pointer: string) {
    this.policy = policy
    this.base = base
    this.pointer = pointer
    this.signal = AbortSignal.timeout(policy.timeoutMs)
  }

  /** fetch() as @huggingface/gguf calls it: a URL string and headers (Range). */
  readonly fetch = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    let url = checkUrl(String(input instanceof Request ? input.url : input), this.policy, this.pointer)
    for (let hop = 0; ; hop++) {
      const res = await this.send(url, init)
      if (!REDIRECTS.has(res.status)) return this.answer(url, res)
      await res.body?.cancel()
      const location = res.headers.get('location')
      if (!location) upstream(`${url.host} answered ${res.status} without a Location header.`)
      if (hop >= this.policy.maxRedirects)
        refuseAt(
          this.pointer,
          `More than ${this.policy.maxRedirects} redirects from ${url.host}; not followed.`,
        )
      url = checkUrl(
        new URL(location, url).toString(),
        this.policy,
        this.pointer,
        `${url.host} redirected to ${location.slice(0, 200)}: `,
      )
    }
  }

  private async send(url: URL, init: RequestInit | undefined): Promise<Response> {
    try {
      return await this.base(url.toString(), {
        ...init,
        method: 'GET',
        redirect: 'manual',
        signal: this.signal,
      })
    } catch (err) {
      if (this.signal.aborted)
        upstream(`${url.host} did not answer within ${this.policy.timeoutMs / 1000} s.`)
      return upstream(`${url.host} is unreachable: ${err instanceof Error ? err.message : String(err)}.`)
    }
  }

  private async answer(url: URL, res: Response): Promise<Response> {
    if (res.status === 401 || res.status === 403 || res.status === 404 || res.status === 410) {
      await res.body?.cancel()
      const why =
        res.status === 404 || res.status === 410
          ? 'has no file at this URL'
          : 'refused access (gated or private files are not fetched)'
      refuseAt(this.pointer, `${url.host} ${why}: HTTP ${res.status}.`)
    }
    if (!res.ok) {
      await res.body?.cancel()
      upstream(`${url.host} answered HTTP ${res.status}.`)
    }
    const body = await this.readBody(url, res)
    return new Response(body, { status: res.status, headers: res.headers })
  }

  private tooLarge(url: URL): never {
    return refuseAt(
      this.pointer,
      `${url.host} sent more than the ${this.policy.maxBytes} bytes one ` +
        `request may read (MODEL_FETCH_MAX_BYTES); a GGUF header is a few MB.`,
    )
  }

  private async readBody(url: URL, res: Response): Promise<Uint8Array<ArrayBuffer>> {
    const declared = Number(res.headers.get('content-length') ?? 0)
    if (declared > this.policy.maxBytes - this.bytes) {
      await res.body?.cancel()
      this.tooLarge(url)
    }
    const chunks: Uint8Array[] = []
    if (!res.body) return new Uint8Array(0)
    const reader = res.body.getReader()
    try {
      for (let next = await reader.read(); !next.done; next = await reader.read()) {
        this.bytes += next.value.byteLength
        if (this.bytes > this.policy.maxBytes) {
          await reader.cancel()
          this.tooLarge(url)
        }
        chunks.push(next.value)
      }
    } catch (err) {
      if (err instanceof ProblemError) throw err
      upstream(
        this.signal.aborted
          ? `${url.host} did not finish within ${this.policy.timeoutMs / 1000} s.`
          : `${url.host} broke off the answer.`,
      )
    }
    const out = new Uint8Array(chunks.reduce((n, c) => n + c.byteLength, 0))
    let at = 0
    for (const c of chunks) {
      out.set(c, at)
      at += c.byteLength
    }
    return out
  }
}
