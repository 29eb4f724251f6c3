/** Strict inline architectures (llama.cpp's refusals) and the model names users type. */
import { describe, expect, it } from 'vitest'
import { PlanInputError } from '../../../api/src/domain/plan-input-error.ts'
import { LlmArchitectureSchema } from '../../../api/src/domain/vram/model-schemas.ts'
import { plan, tiny } from './helpers.ts'

// The request's model is a union (id | architecture); the HTTP layer points into the architecture (worker tests).
const issues = (model: unknown) => LlmArchitectureSchema.safeParse(model).error?.issues ?? []
const paths = (model: unknown) => issues(model).map((i) => i.path.join('/'))

function notFound(model: string): PlanInputError {
  try {
    plan({ model, targets: ['caraxes'] })
  } catch (err) {
    if (err instanceof PlanInputError) return err
    throw err
  }
  throw new Error('expected a PlanInputError')
}

describe('strict inline architectures', () => {
  it('refuses an unknown llamaCppArchitecture, naming the field and the known ones', () => {
    expect(paths({ ...tiny, llamaCppArchitecture: 'llama9' })).toEqual(['llamaCppArchitecture'])
    expect(issues({ ...tiny, llamaCppArchitecture: 'llama9' })[0]!.message).toContain('qwen3moe')
    expect(paths({ ...tiny, llamaCppArchitecture: 'qwen3moe' })).toEqual([])
  })

  it('refuses a one-expert MoE and more experts than llama.cpp loads (LLAMA_MAX_EXPERTS 512)', () => {
    expect(paths({ ...tiny, moe: { experts: 1, activeExperts: 1, expertFfnSize: 256 } })).toEqual([
      'moe/experts',
    ])
    expect(
      issues({ ...tiny, moe: { experts: 1, activeExperts: 1, expertFfnSize: 256 } })[0]!.message,
    ).toContain('set moe null')
    expect(paths({ ...tiny, moe: { experts: 1024, activeExperts: 8, expertFfnSize: 256 } })).toEqual([
      'moe/experts',
    ])
    expect(paths({ ...tiny, moe: { experts: 8, activeExperts: 9, expertFfnSize: 256 } })).toEqual([
      'moe/activeExperts',
    ])
  })

  it('refuses dimensions llama.cpp cannot run: odd head size (RoPE pairs), kvHeads not dividing heads', () => {
    expect(paths({ ...tiny, headDim: 63 })).toEqual(['headDim'])
    expect(paths({ ...tiny, kvHeads: 3 })).toEqual(['kvHeads'])
  })
})

describe('model names users type', () => {
  it('a bare Ollama name is its :latest tag (llama3.1 → Llama 3.1 8B)', () => {
    expect(plan({ model: 'llama3.1', targets: ['caraxes'] }).model.id).toBe('llama-3.1-8b')
    expect(plan({ model: 'Qwen2.5', targets: ['caraxes'] }).model.id).toBe('qwen2.5-7b')
  })

  it('deepseek-r1:8b and deepseek-r1 are DeepSeek-R1-0528-Qwen3-8B; :32b the Qwen 2.5 distill', () => {
    expect(plan({ model: 'deepseek-r1:8b', targets: ['caraxes'] }).model.id).toBe('deepseek-r1-0528-qwen3-8b')
    expect(plan({ model: 'deepseek-r1', targets: ['caraxes'] }).model.id).toBe('deepseek-r1-0528-qwen3-8b')
    expect(plan({ model: 'deepseek-r1:32b', targets: ['caraxes'] }).model.id).toBe(
      'deepseek-r1-distill-qwen-32b',
    )
  })

  it('a tag with a quantization suffix sets the quantization', () => {
    expect(plan({ model: 'llama3.1:8b-instruct-q8_0', targets: ['caraxes'] }).model.quantization).toBe('Q8_0')
  })

  it('an unknown size 404s with the sizes the registry has of that name first', () => {
    // deepseek-r1:14b is in the registry since the distills were added; 3b is not.
    const e = notFound('deepseek-r1:3b')
    expect(e).toMatchObject({ kind: 'not-found', pointer: '/model' })
    expect(e.message).toMatch(/Nearest: deepseek-r1:\d+b, deepseek-r1:\d+b/)
    // llama3.3 is in the registry since the refresh; 3.4 does not exist.
    expect(notFound('llama3.4').message).toMatch(/llama3\.[123]/)
  })
})
