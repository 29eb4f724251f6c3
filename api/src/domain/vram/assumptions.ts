/**
 * Where every term of a VRAM answer comes from: formula, public source and `docsUrl`, the section
 * of docs/research/vram-formulas.md (rendered by the site at /research/vram-formulas/) that
 * derives it.
 */
import type { Assumption } from './schemas.ts'

/** The site's page of docs/research/vram-formulas.md, at one section. */
export const vramFormulasUrl = (anchor: string) => `/research/vram-formulas/#${anchor}`
const doc = vramFormulasUrl
const LLAMA = 'https://github.com/ggml-org/llama.cpp/blob/master'

const INFERENCE: Assumption[] = [
  {
    term: 'weights',
    formula:
      'Σ tensors n_elements / block_elements × block_bytes, per-tensor types ' +
      'from the llama-quantize preset rules (use_more_bits, output/token_embd, ' +
      'attn_v/ffn_down bumps, 70B and n_expert==8 rules, shape fallback)',
    source: `${LLAMA}/ggml/src/ggml-common.h; ${LLAMA}/src/llama-quant.cpp`,
    docsUrl: doc('weights'),
  },
  {
    term: 'weights (imatrix)',
    formula:
      'with an importance matrix llama-quantize skips the IQ4_XS/IQ4_NL/IQ3_XXS ffn_down bumps ' +
      'and guards Q4_0/Q5_0 ffn_down with Q4_1/Q5_1; IQ1/IQ2/IQ3_XXS and Q2_K_S need one',
    source: `${LLAMA}/src/llama-quant.cpp llama_tensor_get_type_impl, tensor_requires_imatrix`,
    docsUrl: doc('quantization-presets'),
  },
  {
    term: 'weights placement',
    formula:
      'token_embd on the host; -ngl N offloads the last N layers; output head on ' +
      'the GPU only when N = L + 1; tied embeddings duplicate token_embd on the GPU',
    source: `${LLAMA}/src/llama-model.cpp load_tensors`,
    docsUrl: doc('weights-placement'),
  },
  {
    term: 'kvCache',
    formula:
      'Σ_layers np × cells_l × (row_size(K type, Hkv·Dh) + row_size(V type, Hkv·Dh)); cells = ' +
      'pad256(ctx); sliding-window layers min(cells, pad256(window + n_ubatch)); f16 2 B, ' +
      'q8_0 34/32 B, q4_0 18/32 B per element; exact against llama.cpp in every recorded case',
    source: `${LLAMA}/src/llama-kv-cache.cpp; ${LLAMA}/src/llama-kv-cache-iswa.cpp; docs/accuracy/llama-cpp-cpu.json`,
    docsUrl: doc('kv-cache'),
  },
  {
    term: 'kvCache types',
    formula:
      'K and V rows sized by their own types (--cache-type-k / --cache-type-v); a quantized V needs flash attention',
    source: `${LLAMA}/common/arg.cpp; ${LLAMA}/src/llama-context.cpp`,
    docsUrl: doc('kv-cache'),
  },
  {
    term: 'computeBuffer',
    formula:
      "llama.cpp's graph for one ubatch of B = min(ctx, n_ubatch) tokens, placed as ggml-alloc places " +
      'it (inputs first, best fit, in place over an only reader, free after the last reader): exact ' +
      'in every recorded case (/accuracy/) for llama, qwen2, qwen3, qwen3moe, gemma2, gemma3, phi3 and ' +
      'gpt-oss; other architectures: the peak of three graph phases, attention = mask + [FA off: ' +
      '4·B·C·H] + 4·B·(3E + 3Q + 2KV); ffn = mask + 4·B·(4F + E); logits = 4·B·(V + 2E); ' +
      'mask = (FA ? 2 : 4)·B·C',
    source:
      `${LLAMA}/src/llama-context.cpp sched_reserve; ${LLAMA}/src/llama-graph.cpp; ` +
      `${LLAMA}/ggml/src/ggml-alloc.c; api/src/domain/vram/graph/; docs/accuracy/llama-cpp-cpu.json`,
    docsUrl: doc('exact-graph'),
  },
  {
    term: 'computeBuffer (partial offload)',
    formula:
      'the first GPU runs the ops of host-resident weights (≥ 32 tokens) and streams each weight into ' +
      'its buffer, in the phase that uses it: max(attention, ffn + largest host FFN matrix, logits ' +
      '+ host output matrix); with -ngl 0 no attention phase (KQ of host layers stays on the CPU)',
    source:
      `${LLAMA}/ggml/src/ggml-backend.cpp ggml_backend_sched_backend_id_from_cur ` +
      `(op_offload); ${LLAMA}/ggml/src/ggml-cuda/ggml-cuda.cu GGML_OP_OFFLOAD_MIN_BATCH`,
    docsUrl: doc('partial-offload-and--ngl-0'),
  },
  {
    term: 'computeBuffer (multi-GPU)',
    formula:
      'one buffer per GPU for the phases it runs (logits only on the GPU with the output head); full ' +
      'offload over several GPUs adds (4 − 1) pipeline-parallel copies of the inputs (4·B·E + mask)',
    source:
      `${LLAMA}/ggml/src/ggml-backend.cpp GGML_SCHED_MAX_COPIES; ` +
      `${LLAMA}/src/llama-context.cpp pipeline_parallel`,
    docsUrl: doc('several-gpus'),
  },
  {
    term: 'outputBuffer',
    formula: 'np × V × 4 B in pinned host memory (not in totalGpuBytes)',
    source: `${LLAMA}/src/llama-context.cpp output_reserve`,
    docsUrl: doc('host-buffers'),
  },
  {
    term: 'overhead',
    formula:
      "the backend's context (CUDA 457 MiB, Ollama MinimumMemory) + the runtime's --fit margin " +
      "(settings.fitMarginBytes: 1024 MiB, which includes the planner's own 512 MiB; Ollama with a " +
      'vision tag: projector + 1 GiB) per GPU, paid by every GPU of the split before it takes layers',
    source:
      'https://github.com/ollama/ollama/blob/main/ml/device.go MinimumMemory; ' +
      `${LLAMA}/common/common.h fit_params_target; ` +
      'https://github.com/ollama/ollama/blob/main/llm/llama_server.go; https://github.com/ggml-org/llama.cpp/issues/15860',
    docsUrl: doc('overhead'),
  },
  {
    term: 'runtime profile',
    formula:
      'what the request leaves out comes from the runtime: Ollama num_ctx by node VRAM (262144 / 32768 / ' +
      '4096), automatic num_batch, OLLAMA_NUM_PARALLEL, one KV type; llama-server 4 unified slots, -c = ' +
      'trained context shrunk by --fit (≥ 4096); results[].settings.fromProfile lists each value and rule',
    source:
      'https://github.com/ollama/ollama/blob/main/server/routes.go, server/sched.go, llm/llama_server.go; ' +
      `${LLAMA}/tools/server/server.cpp; ${LLAMA}/common/common.h`,
    docsUrl: doc('runtime-profiles'),
  },
  {
    term: 'hostMemory',
    formula:
      'host weights (token_embd, CPU layers, CPU experts, a CPU projector) + host KV (all of it with ' +
      "-nkvo) + CUDA_Host compute buffer + logits; beyond the node's recorded RAM: does-not-fit",
    source:
      `${LLAMA}/src/llama-model.cpp load_tensors; ` +
      `${LLAMA}/src/llama-kv-cache.cpp; ${LLAMA}/src/llama-context.cpp`,
    docsUrl: doc('host-buffers'),
  },
  {
    term: 'placement',
    formula:
      "largest -ngl whose per-GPU need ≤ vramBytes; several GPUs: filled back to front after each GPU's " +
      'own overhead and compute buffer (the last takes the output head), over every subset and both ' +
      'device orders; a GPU that would hold nothing is left out; reported as -ts; a given tensorSplit is ' +
      'used as is (proportional ranges); cross-node subsets only where the runtime has llama.cpp RPC',
    source: `${LLAMA}/src/llama-model.cpp load_tensors; ${LLAMA}/common/fit.cpp`,
    docsUrl: doc('placement'),
  },
  {
    term: 'MoE expert offload',
    formula:
      'MoE that does not fit fully: all L + 1 layers on the GPUs except ffn_{gate,up,down}_exps ' +
      'of layers 0 … K−1 (--n-cpu-moe K), smallest K that fits; chosen over plain -ngl unless ' +
      '-ngl decodes faster; the compute buffer adds the largest CPU-resident expert tensor',
    source: `${LLAMA}/common/fit.cpp (tries experts on the CPU first); ${LLAMA}/common/arg.cpp --n-cpu-moe`,
    docsUrl: doc('moe-expert-offload'),
  },
  {
    term: 'tokensPerSecond (expert offload)',
    formula:
      'GPU part as below + Σ_{l<K} expert bytes_l × activeExperts/experts / (η_cpu · host bandwidth), η_cpu = 0.36',
    source:
      'RTX 2080 + i9-10900X (102 GB/s): Qwen3-30B-A3B Q4_K_M --n-cpu-moe 36 36.7 t/s (https://github.com/AlexsJones/llmfit/pull/755), gpt-oss-20B --n-cpu-moe 12 36.4 t/s (https://github.com/AlexsJones/llmfit/pull/775)',
    docsUrl: doc('tokens-per-second'),
  },
  {
    term: 'tokensPerSecond (MoE)',
    formula: 'bytes read at the dense η + 79 µs per MoE layer and token (router, expert dispatch)',
    source:
      'RTX 4090 llama-bench tg128: gpt-oss 20B MXFP4 186.1 t/s, Qwen3-30B-A3B Q4_0 161.6 t/s (https://github.com/ggml-org/llama.cpp/pull/16834)',
    docsUrl: doc('tokens-per-second'),
  },
  {
    term: 'maxContextLength',
    formula: 'binary search over multiples of 256 up to the RoPE-scaled maximum, full offload required',
    source: 'binary search over the placement above',
    docsUrl: doc('max-context'),
  },
  {
    term: 'tokensPerSecond',
    formula:
      '1 / Σ_devices bytes_read / (η·BW); η = 0.74 on GPUs, host bandwidth as catalogued ' +
      '(already effective); MoE experts × active/experts; KV read up to the position',
    source: 'η from an RTX 2080 at 71.9 t/s, https://github.com/AlexsJones/llmfit/issues/773',
    docsUrl: doc('tokens-per-second'),
  },
  {
    term: 'cross-node split',
    formula:
      'llama.cpp RPC: per token and node boundary, E × 4 B over ' +
      'linkBetween().effectiveMbps + 0.5 ms assumed round trip',
    source: 'https://github.com/ggml-org/llama.cpp/pull/6829; data/network-links.yaml',
    docsUrl: doc('tokens-per-second'),
  },
  {
    term: 'loadSeconds',
    formula:
      'file bytes / slowest of (fastest known drive of the main node: sequential read, its PCIe link; the ' +
      'GPU PCIe link), as the storage planner prices it, + remote GPU shares over the inter-node link',
    source: 'storage planner loadSecondsFromNode; catalog drive and GPU records (PCIe link rates)',
    docsUrl: doc('gpu-facts'),
  },
]

const TRAINING: Assumption[] = [
  {
    term: 'weights',
    formula:
      'full / LoRA: 2 B per parameter (bf16/fp16); QLoRA: NF4 4.127 ' +
      'bits for linear layers, embeddings bf16; LoRA adapters fp32',
    source: 'https://blog.eleuther.ai/transformer-math/; https://arxiv.org/abs/2305.14314',
    docsUrl: doc('training'),
  },
  {
    term: 'gradients + optimizer',
    formula:
      'full: 2 B grads + 12 B AdamW (master, m, v) or 6 B 8-bit; LoRA: 4 B grads + 8 B AdamW ' +
      'or 2 B 8-bit per adapter parameter; adapters r·(d_in + d_out) on q,k,v,o,gate,up,down',
    source: 'https://blog.eleuther.ai/transformer-math/',
    docsUrl: doc('training'),
  },
  {
    term: 'activations',
    formula:
      'per token per layer 12E + 4·Hkv·Dh + 8F bytes; checkpointing: 2E per ' +
      'token per layer + one layer; eager attention adds 5·H·s²·b per layer',
    source: 'derived Llama-style variant of https://blog.eleuther.ai/transformer-math/',
    docsUrl: doc('training'),
  },
  {
    term: 'logits',
    formula: '10 · s · b · V bytes (bf16 logits, fp32 upcast, fp32 grad)',
    source: 'https://blog.eleuther.ai/transformer-math/; https://arxiv.org/abs/2305.14314',
    docsUrl: doc('training'),
  },
  {
    term: 'overhead',
    formula: '457 MiB CUDA context + 512 MiB margin per GPU (PyTorch often needs more: 0.3–2 GiB)',
    source: 'https://github.com/ollama/ollama/blob/main/ml/device.go MinimumMemory',
    docsUrl: doc('overhead'),
  },
]

export function assumptionsFor(mode: 'inference' | 'full' | 'lora' | 'qlora'): Assumption[] {
  return mode === 'inference' ? INFERENCE : TRAINING
}
