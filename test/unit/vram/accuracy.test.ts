/**
 * Re-plans every case `npm run validate:llama` recorded from the real llama.cpp
 * (docs/accuracy/llama-cpp-cpu.json: llama.cpp's own log lines for synthetic GGUF files of the
 * registry models) and fails when a term drifts past its tolerance.
 */
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import {
  COMPUTE_TOLERANCE,
  computeWithinTolerance,
  kvExact,
  LOG_PRECISION_BYTES,
  replayCase,
  summarize,
  WEIGHTS_TOLERANCE,
  type RecordedFile,
  type ReplayedCase,
} from '../../../api/src/domain/vram/accuracy.ts'
import { hasExactGraph } from '../../../api/src/domain/vram/compute-buffer.ts'
import { model } from './helpers.ts'

const dir = 'docs/accuracy'
const files = readdirSync(dir).filter((f) => f.endsWith('.json'))
const recorded = files.map((f) => ({
  file: f,
  data: JSON.parse(readFileSync(join(dir, f), 'utf8')) as RecordedFile,
}))
const replayed: ReplayedCase[] = recorded.flatMap(({ data }) =>
  data.cases.flatMap((c) => replayCase(c, model(c.model)) ?? []),
)

const key = (r: { model: string; settings: ReplayedCase['settings'] }) => {
  const s = r.settings
  const fa = s.flashAttention ? 'FA' : 'noFA'
  const np = s.parallel > 1 ? ` np ${s.parallel}` : ''
  return `${r.model} ctx ${s.contextLength} ${fa} ${s.kvCacheType} ub ${s.ubatch}${np}`
}

describe('accuracy against recorded llama.cpp runs (docs/accuracy)', () => {
  it('has recorded cases, each with the llama.cpp version that produced it', () => {
    expect(replayed.length).toBeGreaterThan(200)
    for (const { data } of recorded) expect(data.llamaCpp.release).toMatch(/\S/)
  })

  it('KV cache: exact, to the precision of the log (±0.005 MiB per cache), in every case', () => {
    const off = replayed.filter((r) => !kvExact(r)).map(key)
    expect(off).toEqual([])
  })

  const computeBand = `+${COMPUTE_TOLERANCE.over * 100} % / ${COMPUTE_TOLERANCE.under * 100} %`
  it(`compute buffer: within ${computeBand} of llama.cpp in every case`, () => {
    const off = replayed.filter((r) => !computeWithinTolerance(r))
    expect(off.map((r) => `${key(r)}: ${(r.computeError * 100).toFixed(1)} %`)).toEqual([])
  })

  it('compute buffer: exact, to the precision of the log (±0.005 MiB), for every graph graph/models.ts builds', () => {
    const built = replayed.filter((r) => hasExactGraph(model(r.model)))
    expect(built.length).toBe(replayed.length)
    const off = built.filter(
      (r) => Math.abs(r.plannedComputeBytes - r.measuredComputeBytes) > LOG_PRECISION_BYTES,
    )
    expect(off.map((r) => `${key(r)}: ${r.plannedComputeBytes} vs ${r.measuredComputeBytes}`)).toEqual([])
  })

  it('weights: the file llama.cpp loads is the size the planner computes, within 0.5 %, in every case', () => {
    const off = replayed.filter(
      (r) => r.weightsError === null || Math.abs(r.weightsError) > WEIGHTS_TOLERANCE,
    )
    expect(off.map((r) => `${key(r)}: ${r.weightsError}`)).toEqual([])
  })

  it('summarizes per term (the Accuracy page table)', () => {
    const [weights, compute, kv] = summarize(replayed)
    expect(weights!.withinTolerance).toBe(replayed.length)
    expect(compute!.cases).toBe(replayed.length)
    expect(compute!.withinTolerance).toBe(replayed.length)
    expect(compute!.medianAbsError).toBeLessThan(0.0001)
    expect(kv!.withinTolerance).toBe(kv!.cases)
  })
})
