/**
 * The registry's hyperparameters against what each model's publisher states: the parameter
 * count the emulated tensor list adds up to must match the published figure, which catches a
 * wrong layer count, width or vocabulary in data/models/*.yaml.
 */
import { describe, expect, it } from 'vitest'
import { kvCacheBytes } from '../../../api/src/domain/vram/kv-cache.ts'
import { catalog, model, plan } from './helpers.ts'

/** Published totals (model cards on huggingface.co; Ollama library pages for the sizes). */
/** As published, so the tolerance is half a unit of the last digit the publisher gives. */
const PUBLISHED_BILLIONS: [string, string][] = [
  ['llama-3.2-1b', '1.24'], // meta-llama/Llama-3.2-1B: 1.24 B (the Hub's count of the safetensors)
  ['qwen3-0.6b', '0.6'], // Qwen/Qwen3-0.6B: 0.6 B
  ['qwen3-4b', '4.0'], // Qwen/Qwen3-4B: 4.0 B
  ['qwen3-14b', '14.8'], // Qwen/Qwen3-14B: 14.8 B
  ['qwen3-32b', '32.8'], // Qwen/Qwen3-32B: 32.8 B
  ['qwen3-235b-a22b', '235'], // Qwen/Qwen3-235B-A22B: 235 B total, 22 B active
  ['gemma-3-270m', '0.27'], // google/gemma-3-270m: 270 M (170 M embedding + 100 M transformer)
  ['gemma-3-1b', '1.0'], // google/gemma-3-1b-pt: 1 B
  ['mistral-small-24b', '23.6'], // mistralai/Mistral-Small-24B-Instruct-2501: 24 B (23.6 B)
  ['gpt-oss-120b', '116.8'], // openai/gpt-oss-120b: 117 B (116.83 B)
  ['phi-4-mini', '3.8'], // microsoft/Phi-4-mini-instruct: 3.8 B
  ['deepseek-v3', '671'], // deepseek-ai/DeepSeek-V3: 671 B (+ 14 B MTP module, not in GGUF files)
  ['nomic-embed-text-v1.5', '0.137'], // nomic-ai/nomic-embed-text-v1.5: 137 M
  // mixedbread-ai/mxbai-embed-large-v1: 335 M less the pooler (1024² + 1024) GGUF drops
  ['mxbai-embed-large-v1', '0.334'],
  ['bge-m3', '0.567'], // BAAI/bge-m3: 568 M less the pooler (1024² + 1024) GGUF drops; Ollama's bge-m3:567m
]

describe('registry models match their published configs', () => {
  it.each(PUBLISHED_BILLIONS)('%s adds up to the published %s B parameters', (id, published) => {
    const answer = plan({ model: id, contextLength: 512, targets: ['meraxes'] })
    const halfUnit = 0.5 * 10 ** -(published.split('.')[1]?.length ?? 0)
    expect(Math.abs(answer.model.parameterCount / 1e9 - Number(published))).toBeLessThanOrEqual(halfUnit)
  })

  it('weighs DeepSeek V3 Q4_K_M like the 404 GB Ollama lists for deepseek-v3:671b, with the MLA cache', () => {
    const answer = plan({ model: 'deepseek-v3:671b', contextLength: 8192, targets: ['meraxes'] })
    expect(answer.model.weightsBytes / 1e9).toBeCloseTo(404.5, 0)
    // 61 layers × 8192 cells × (512 + 64) latent values × 2 bytes (f16)
    expect(
      kvCacheBytes(model('deepseek-v3'), {
        contextLength: 8192,
        parallel: 1,
        ubatch: 512,
        kvCacheType: 'f16',
      }),
    ).toBe(61 * 8192 * 576 * 2)
    expect(answer.assumptions.map((a) => a.term)).toContain('kvCache (MLA)')
  })

  it('gives embedding models no KV cache and no output head', () => {
    const answer = plan({ model: 'nomic-embed-text:latest', contextLength: 2048, targets: ['caraxes'] })
    expect(answer.results[0]!.breakdown!.kvCacheBytes).toBe(0)
    expect(answer.model.weightsBytes / 1e6).toBeCloseTo(273.5, 0) // Ollama lists nomic-embed-text at 274 MB
  })

  it('cites a published config.json for every model, never a private note', () => {
    for (const m of catalog.llmModels) {
      expect(
        m.sources.some((s) =>
          /^https:\/\/huggingface\.co\/[\w.-]+\/[\w.-]+\/blob\/main\/config\.json/.test(s),
        ),
        m.id,
      ).toBe(true)
      expect(m.sources.join(' ') + m.notes.join(' '), m.id).not.toMatch(/shared\/|vram\.md/)
    }
  })
})
