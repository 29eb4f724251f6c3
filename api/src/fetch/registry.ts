/**
 * Model names that live in a registry rather than ours: `hf.co/<user>/<repo>:<quant>` (the
 * Hugging Face registry Ollama pulls from) and any Ollama library tag, `[<namespace>/]<name>:<tag>`.
 * Both answer an OCI/Docker v2 manifest whose `application/vnd.ollama.image.model` layer is
 * the GGUF file, served from `/v2/<repo>/blobs/<digest>` (ollama server/images.go, pullModelManifest).
 */
import { z } from 'zod'
import { refuseAt } from './check-url.ts'
import type { GuardedFetch } from './guarded-fetch.ts'

interface RegistryRef {
  manifestUrl: string
  blobBase: string
}

const HF = /^(?:hf\.co|huggingface\.co)\/([\w.-]+)\/([\w.-]+?)(?::([\w.-]+))?$/i
const OLLAMA = /^(?:([a-z0-9][a-z0-9._-]*)\/)?([a-z0-9][a-z0-9._-]*):([A-Za-z0-9][\w.-]*)$/

export function registryRef(name: string): RegistryRef | null {
  const hf = HF.exec(name.trim())
  if (hf) {
    const repo = `https://hf.co/v2/${hf[1]}/${hf[2]}`
    return { manifestUrl: `${repo}/manifests/${hf[3] ?? 'latest'}`, blobBase: `${repo}/blobs/` }
  }
  const ollama = OLLAMA.exec(name.trim())
  if (!ollama) return null
  const repo = `https://registry.ollama.ai/v2/${ollama[1] ?? 'library'}/${ollama[2]}`
  return { manifestUrl: `${repo}/manifests/${ollama[3]}`, blobBase: `${repo}/blobs/` }
}

const ManifestSchema = z.object({
  layers: z
    .array(
      z.object({
        mediaType: z.string(),
        digest: z.string().regex(/^sha256:[a-f0-9]{64}$/),
        size: z.int().min(0),
      }),
    )
    .max(64),
})

interface RegistryModel {
  /** The GGUF blob. */
  url: string
  /** Bytes of the vision projector layer, when the manifest has one. */
  projectorBytes: number | null
}

export async function resolveRegistryModel(ref: RegistryRef, g: GuardedFetch): Promise<RegistryModel> {
  const res = await g.fetch(ref.manifestUrl, {
    headers: { Accept: 'application/vnd.docker.distribution.manifest.v2+json' },
  })
  let manifest: z.infer<typeof ManifestSchema>
  try {
    manifest = ManifestSchema.parse(JSON.parse(await res.text()))
  } catch {
    return refuseAt(
      g.pointer,
      `${new URL(ref.manifestUrl).host} answered something that is not a model manifest.`,
    )
  }
  const model = manifest.layers.find((l) => l.mediaType === 'application/vnd.ollama.image.model')
  if (!model)
    return refuseAt(
      g.pointer,
      'The registry manifest lists no GGUF model layer (application/vnd.ollama.image.model).',
    )
  const projector = manifest.layers.find((l) => l.mediaType === 'application/vnd.ollama.image.projector')
  return { url: ref.blobBase + model.digest, projectorBytes: projector?.size ?? null }
}
