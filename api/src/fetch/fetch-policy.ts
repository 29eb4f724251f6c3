/**
 * What the worker may fetch when a request names a model by URL or registry tag: the security
 * boundary of the API. https only, hosts on an allow-list (wrangler.toml [vars]
 * MODEL_FETCH_ALLOWED_HOSTS), a byte and a time budget per request, a bounded redirect chain.
 */

export interface FetchPolicy {
  /** Exact host names, or `*.example.org` for any subdomain of example.org. */
  allowedHosts: string[]
  /** Bytes all answers of one request may carry together. */
  maxBytes: number
  /** Milliseconds one request may spend fetching, redirects and range requests included. */
  timeoutMs: number
  maxRedirects: number
}

/**
 * Hugging Face (the Hub, hf.co and its file CDNs: cdn-lfs*.huggingface.co, cas-bridge.xethub.hf.co)
 * and the Ollama registry with the R2 bucket its blob URLs redirect to.
 */
export const DEFAULT_ALLOWED_HOSTS = [
  'huggingface.co',
  '*.huggingface.co',
  'hf.co',
  '*.hf.co',
  'registry.ollama.ai',
  'dd20bb891979d25aebc8bec07b2b3bbc.r2.cloudflarestorage.com',
]

/**
 * A header with a 262k-token vocabulary is ~10 MB of tokenizer arrays, read in 2 MB range
 * requests (@huggingface/gguf HTTP_CHUNK_SIZE); 48 MiB leaves room for a few shard headers.
 */
const DEFAULT_MAX_BYTES = 48 * 1024 * 1024
const DEFAULT_TIMEOUT_MS = 15_000
const MAX_REDIRECTS = 5

interface FetchVars {
  MODEL_FETCH_ALLOWED_HOSTS?: string
  MODEL_FETCH_MAX_BYTES?: string
  MODEL_FETCH_TIMEOUT_MS?: string
}

function positiveInt(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined || value.trim() === '') return fallback
  const n = Number(value)
  // A misconfigured worker must fail loudly, not fetch with a limit nobody chose.
  if (!Number.isSafeInteger(n) || n < 1)
    throw new Error(`wrangler.toml [vars] ${name} must be a positive integer, got "${value}"`)
  return n
}

export function policyFromVars(vars: FetchVars): FetchPolicy {
  const hosts = vars.MODEL_FETCH_ALLOWED_HOSTS?.split(',')
    .map((h) => h.trim().toLowerCase())
    .filter(Boolean)
  return {
    allowedHosts: hosts && hosts.length > 0 ? hosts : DEFAULT_ALLOWED_HOSTS,
    maxBytes: positiveInt('MODEL_FETCH_MAX_BYTES', vars.MODEL_FETCH_MAX_BYTES, DEFAULT_MAX_BYTES),
    timeoutMs: positiveInt('MODEL_FETCH_TIMEOUT_MS', vars.MODEL_FETCH_TIMEOUT_MS, DEFAULT_TIMEOUT_MS),
    maxRedirects: MAX_REDIRECTS,
  }
}

export function hostAllowed(host: string, policy: FetchPolicy): boolean {
  return policy.allowedHosts.some((pattern) =>
    pattern.startsWith('*.')
      ? host.endsWith(pattern.slice(1)) && host.length > pattern.length - 1
      : host === pattern,
  )
}
