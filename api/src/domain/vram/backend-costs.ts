/**
 * Fixed memory a ggml backend takes on each GPU before any tensor: the driver / runtime context,
 * which no compute-buffer or KV formula sees. The runtime's --fit margin comes on top
 * (GPU_MARGIN_BYTES here, the rest as the runtime profile's reservedBytes, runtimes.ts).
 * Metal has no dedicated VRAM: the GPU may wire at most the device's
 * recommendedMaxWorkingSetSize of the unified memory.
 */
import type { GpuBackend } from '../catalog/gpu-schemas.ts'
import { GIB, MIB } from './ggml-types.ts'
import { CUDA_CONTEXT_BYTES, GPU_MARGIN_BYTES } from './placement.ts'
import type { Assumption } from './schemas.ts'
import { vramFormulasUrl } from './assumptions.ts'

interface BackendCost {
  contextBytes: number
  formula: string
  source: string
}

const OLLAMA_DEVICE =
  'ollama ml/device.go DeviceInfo.MinimumMemory (https://github.com/ollama/ollama/blob/main/ml/device.go)'

const BACKEND_COSTS: Record<GpuBackend, BackendCost> = {
  cuda: {
    contextBytes: CUDA_CONTEXT_BYTES,
    formula: '457 MiB CUDA context per GPU (measured 451-456 MiB per RTX 4090)',
    source: `${OLLAMA_DEVICE}; ollama discover/gpu.go cudaMinimumMemory; llama.cpp#15860`,
  },
  rocm: {
    contextBytes: 457 * MIB,
    formula: '457 MiB HIP context per GPU, the figure Ollama reserves for ROCm',
    source: `${OLLAMA_DEVICE}; ollama discover/gpu.go rocmMinimumMemory`,
  },
  vulkan: {
    contextBytes: 457 * MIB,
    formula: '457 MiB per GPU: Ollama reserves the same minimum for every non-Metal library, Vulkan included',
    source: OLLAMA_DEVICE,
  },
  sycl: {
    contextBytes: 457 * MIB,
    formula:
      '457 MiB per GPU assumed: Ollama has no oneAPI figure ("TODO OneAPI minimum memory") and applies its default',
    source: `${OLLAMA_DEVICE}; ollama discover/gpu.go (oneAPI TODO)`,
  },
  metal: {
    contextBytes: 512 * MIB,
    formula: "512 MiB per GPU, Ollama's Metal minimum",
    source: OLLAMA_DEVICE,
  },
}

/** Everything a backend takes on one GPU before the model: its context plus the planner margin. */
export function gpuOverheadBytes(backend: GpuBackend): number {
  return BACKEND_COSTS[backend].contextBytes + GPU_MARGIN_BYTES
}

/**
 * The default Metal working set (MTLDevice.recommendedMaxWorkingSetSize) for a unified memory
 * size: 2/3 of it up to 36 GiB, 3/4 above, as ggml_metal_init logs it on Apple silicon (e.g.
 * 11453.25 MB on 16 GiB, 77309.41 MB on 96 GiB). Apple does not document the rule; raise it with
 * `sysctl iogpu.wired_limit_mb`, or give metalWorkingSetBytes from the log.
 */
export function metalWorkingSetBytes(unifiedMemoryBytes: number): number {
  const share = unifiedMemoryBytes > 36 * GIB ? 3 / 4 : 2 / 3
  return Math.floor(unifiedMemoryBytes * share)
}

export function backendAssumptions(): Assumption[] {
  const perBackend = Object.entries(BACKEND_COSTS).map(([backend, c]) => ({
    term: `overhead (${backend})`,
    formula: `${c.formula} + the runtime's --fit margin (settings.fitMarginBytes)`,
    source: c.source,
    docsUrl: vramFormulasUrl('overhead'),
  }))
  return [
    ...perBackend,
    {
      term: 'Metal working set',
      formula:
        'usable GPU memory on unified memory = recommendedMaxWorkingSetSize: 2/3 of the memory ' +
        'up to 36 GiB, 3/4 above (observed, undocumented), or metalWorkingSetBytes when given',
      source:
        'llama.cpp ggml/src/ggml-metal (ggml_metal_init logs recommendedMaxWorkingSetSize); Apple MTLDevice.recommendedMaxWorkingSetSize (https://developer.apple.com/documentation/metal/mtldevice/recommendedmaxworkingsetsize)',
      docsUrl: vramFormulasUrl('overhead'),
    },
  ]
}
