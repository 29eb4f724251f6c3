/**
 * The shortened graph (whole periods cut from the middle, taken only once the placement repeats)
 * must reserve exactly what the full graph does, for every registry model graph/models.ts builds.
 */
import { describe, expect, it } from 'vitest'
import { hasExactGraph } from '../../../api/src/domain/vram/compute-buffer.ts'
import { fullGraphBytes, periodicGraphBytes } from '../../../api/src/domain/vram/graph/models.ts'
import { catalog } from './helpers.ts'

const settings = [
  { contextLength: 4096, ubatch: 512, flashAttention: true, kvCacheType: 'f16' as const },
  { contextLength: 32768, ubatch: 512, flashAttention: false, kvCacheType: 'f16' as const },
  { contextLength: 8192, ubatch: 1024, flashAttention: true, kvCacheType: 'q8_0' as const, parallel: 2 },
]

describe('shortened graph', () => {
  const models = catalog.llmModels.filter(hasExactGraph)

  it('reserves the same bytes as the whole graph for every built model and setting', () => {
    let shortened = 0
    for (const m of models) {
      for (const s of settings) {
        const short = periodicGraphBytes(m, s)
        if (short === null) continue
        shortened++
        expect(short, `${m.id} ${JSON.stringify(s)}`).toBe(fullGraphBytes(m, s))
      }
    }
    // Most graphs repeat early: the shortcut is taken, not just allowed.
    expect(shortened).toBeGreaterThan(models.length * settings.length * 0.8)
  })
})
