/**
 * Reads a GGUF header over HTTP range requests with @huggingface/gguf (ggufAllShards: a
 * `-00001-of-0000N.gguf` URL brings every shard's header), through the request's GuardedFetch,
 * and hands the planner plain JSON. Headers are cached per isolate by URL and ETag, so a
 * second plan of the same file costs one 1-byte request.
 */
import { ggufAllShards, type GGUFParseOutput } from '@huggingface/gguf'
import type { GgufHeader } from '../domain/vram/gguf-schemas.ts'
import { ProblemError } from '../http/problem.ts'
import { refuseAt } from './check-url.ts'
import type { GuardedFetch } from './guarded-fetch.ts'

const CACHE_ENTRIES = 32
const cache = new Map<string, { etag: string; header: GgufHeader }>()

/** A uint64 as JSON: a number while exact, a decimal string beyond 2^53. */
const jsonInt = (v: bigint | number) =>
  typeof v === 'number' || v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v.toString()

type MetadataJson = GgufHeader['metadata'][string]

function jsonValue(v: unknown): MetadataJson {
  if (typeof v === 'bigint') return jsonInt(v)
  if (Array.isArray(v)) return v.map(jsonValue)
  return v as MetadataJson
}

/**
 * Plain JSON of a parsed header, shards merged (metadata of the first, every shard's tensors).
 * The tokenizer's arrays are dropped: megabytes that say nothing about memory.
 */
export function headerToJson(shards: Pick<GGUFParseOutput, 'metadata' | 'tensorInfos'>[]): GgufHeader {
  const metadata = Object.fromEntries(
    Object.entries(shards[0]!.metadata)
      .filter(([k, v]) => !(k.startsWith('tokenizer.') && Array.isArray(v)))
      .map(([k, v]) => [k, jsonValue(v)]),
  )
  const tensorInfos = shards.flatMap((s) =>
    s.tensorInfos.map((t) => ({
      name: t.name,
      n_dims: t.n_dims,
      shape: t.shape.map(jsonInt),
      dtype: t.dtype,
      offset: jsonInt(t.offset),
    })),
  )
  return { metadata, tensorInfos }
}

async function etagOf(url: string, g: GuardedFetch): Promise<string | null> {
  const res = await g.fetch(url, { headers: { Range: 'bytes=0-0' } })
  return res.headers.get('etag')
}

export async function readGgufHeader(url: string, g: GuardedFetch): Promise<GgufHeader> {
  const etag = await etagOf(url, g)
  const hit = cache.get(url)
  if (etag && hit?.etag === etag) return hit.header
  let shards: GGUFParseOutput[]
  try {
    shards = (await ggufAllShards(url, { fetch: g.fetch, parallelDownloads: 1 })).shards
  } catch (err) {
    if (err instanceof ProblemError) throw err
    // The Hub's /blob/ URL is the HTML page of a file; /resolve/ is the file itself.
    const hint = /huggingface\.co\/.+\/blob\//.test(url)
      ? ` This is the file's web page: use ${url.replace('/blob/', '/resolve/')}`
      : ''
    return refuseAt(
      g.pointer,
      `${new URL(url).host} did not answer with a GGUF header: ` +
        `${err instanceof Error ? err.message : String(err)}.${hint}`,
    )
  }
  const header = headerToJson(shards)
  if (etag) {
    cache.delete(url)
    cache.set(url, { etag, header })
    if (cache.size > CACHE_ENTRIES) cache.delete(cache.keys().next().value!)
  }
  return header
}
