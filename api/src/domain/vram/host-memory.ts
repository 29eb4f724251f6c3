/**
 * Host RAM of an inference plan: what llama.cpp keeps in system memory on the main node next to
 * what it puts on the GPUs (llama-model.cpp load_tensors: token_embd and CPU layers in CPU
 * buffers; llama-kv-cache.cpp: KV of CPU layers, all of it with -nkvo; the CUDA_Host compute
 * buffer; the logits output buffer). Beyond the node's known RAM the plan does not fit.
 */
import { computeBufferBytes, hostComputeBufferBytes } from './compute-buffer.ts'
import type { InferenceSettings } from './fit-inference.ts'
import type { VramFitResult } from './schemas.ts'
import type { LabGpu } from './targets.ts'
import type { Architecture } from './tensors.ts'
import { kvCacheBytes } from './kv-cache.ts'

const gib = (bytes: number) => `${(bytes / 2 ** 30).toFixed(2)} GiB`

type HostMemory = NonNullable<VramFitResult['hostMemory']>

/** The host memory `result` needs, from its breakdown; mmap: weights stay file-backed page cache. */
export function hostMemoryOf(
  result: VramFitResult,
  a: Architecture,
  s: InferenceSettings,
  set: LabGpu[],
  { mmap, projectorHostBytes }: { mmap: boolean; projectorHostBytes: number },
): HostMemory {
  const b = result.breakdown!
  const node = set[0]!.node
  const weights = b.weightsHostBytes + projectorHostBytes
  const kv = s.noKvOffload ? kvCacheBytes(a, s) : b.kvCacheHostBytes
  // With no layer on a GPU the CPU runs the whole graph in its own compute buffer.
  const compute = result.gpuLayers === 0 ? computeBufferBytes(a, s) : hostComputeBufferBytes(a, s)
  const total = weights + kv + compute + b.outputBufferBytes
  const ram = node.platform.hostMemoryBytes
  const how = mmap
    ? "weights are mmap'd: the host-resident tensors must stay in the page cache, the offloaded ones' pages " +
      'are reclaimable after loading'
    : 'weights are read into anonymous memory (no mmap)'
  const note =
    ram === null
      ? `${node.name}'s RAM is unknown: run \`free -b\` on it and record platform.hostMemoryBytes; this plan needs ` +
        `${gib(total)} of host memory (${how}).`
      : total > ram
        ? `Needs ${gib(total)} of host memory, more than ${node.name}'s ${gib(ram)}.`
        : `Needs ${gib(total)} of ${node.name}'s ${gib(ram)} host memory (${how}).`
  return {
    node: node.id,
    weightsBytes: weights,
    kvCacheBytes: kv,
    computeBufferBytes: compute,
    outputBufferBytes: b.outputBufferBytes,
    totalBytes: total,
    mmap,
    nodeMemoryBytes: ram,
    fits: ram === null ? null : total <= ram,
    note,
  }
}

/** Adds host memory to an inference result; beyond the node's RAM the verdict becomes does-not-fit. */
export function withHostMemory(result: VramFitResult, host: HostMemory): VramFitResult {
  const breakdown = result.breakdown && { ...result.breakdown, kvCacheHostBytes: host.kvCacheBytes }
  if (host.fits !== false)
    return { ...result, breakdown, hostMemory: host, notes: [...result.notes, host.note] }
  return {
    ...result,
    breakdown,
    hostMemory: host,
    verdict: 'does-not-fit',
    tokensPerSecond: null,
    tokensPerSecondAtFullContext: null,
    tokensPerSecondReason: "the host memory it needs exceeds the node's RAM",
    notes: [...result.notes, host.note],
  }
}
