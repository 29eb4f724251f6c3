/**
 * The settings grid the recorder runs for every model; the file's shape is the planner's
 * (api/src/domain/vram/accuracy.ts), which re-plans it.
 */
import type { RecordedSettings } from '../api/src/domain/vram/accuracy.ts'

const base = { parallel: 1 }
const contexts = [512, 4096, 32768]

/**
 * Every context × FA × KV type at ubatch 512, plus ubatch 256 and 2048 at 4096 tokens, and 8192
 * tokens (the longest context of Gemma 2, whose window layers stop at 4608 cells there), q8_0 at
 * 8192 and 16384, and two parallel sequences at 4096.
 */
export const CASE_GRID: RecordedSettings[] = [
  ...contexts.flatMap((contextLength) => [
    { ...base, contextLength, flashAttention: false, kvCacheType: 'f16' as const, ubatch: 512 },
    { ...base, contextLength, flashAttention: true, kvCacheType: 'f16' as const, ubatch: 512 },
    { ...base, contextLength, flashAttention: true, kvCacheType: 'q8_0' as const, ubatch: 512 },
    { ...base, contextLength, flashAttention: true, kvCacheType: 'q4_0' as const, ubatch: 512 },
  ]),
  { ...base, contextLength: 8192, flashAttention: true, kvCacheType: 'f16' as const, ubatch: 512 },
  { ...base, contextLength: 8192, flashAttention: false, kvCacheType: 'f16' as const, ubatch: 512 },
  { ...base, contextLength: 8192, flashAttention: true, kvCacheType: 'q8_0' as const, ubatch: 512 },
  { ...base, contextLength: 16384, flashAttention: true, kvCacheType: 'q8_0' as const, ubatch: 512 },
  { parallel: 2, contextLength: 4096, flashAttention: true, kvCacheType: 'f16' as const, ubatch: 512 },
  { parallel: 2, contextLength: 4096, flashAttention: false, kvCacheType: 'f16' as const, ubatch: 512 },
  ...[256, 2048].flatMap((ubatch) => [
    { ...base, contextLength: 4096, flashAttention: false, kvCacheType: 'f16' as const, ubatch },
    { ...base, contextLength: 4096, flashAttention: true, kvCacheType: 'f16' as const, ubatch },
  ]),
]
