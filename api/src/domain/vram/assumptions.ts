/** Where every term of a VRAM answer comes from: formula and source, returned with each answer. */
import type { Assumption } from './schemas.ts'

const INFERENCE: Assumption[] = [
  { term: 'weights', formula: 'Σ tensors n_elements / block_elements × block_bytes, per-tensor types from the llama-quantize preset rules (use_more_bits, output/token_embd, attn_v/ffn_down bumps, 70B and n_expert==8 rules, shape fallback)', source: 'vram.md §1.1–§1.2; ggml src/ggml-common.h; llama.cpp src/llama-quant.cpp' },
  { term: 'weights placement', formula: 'token_embd on the host; -ngl N offloads the last N layers; output head on the GPU only when N = L + 1; tied embeddings duplicate token_embd on the GPU', source: 'vram.md §1.3; llama.cpp src/llama-model.cpp load_tensors' },
  { term: 'kvCache', formula: 'Σ_layers np × cells_l × 2 × row_size(type, Hkv·Dh); cells = pad256(ctx); sliding-window layers min(cells, pad256(window + n_ubatch)); f16 2 B, q8_0 34/32 B, q4_0 18/32 B per element', source: 'vram.md §2; llama.cpp src/llama-kv-cache.cpp, llama-kv-cache-iswa.cpp' },
  { term: 'computeBuffer (FA off)', formula: 'max(4·B·(1 + 4E + C·(1 + H)), 4·B·(E + V)), B = min(ctx, n_ubatch); exact against llama.cpp logs', source: 'vram.md §3; ollama fs/ggml/ggml.go GraphSize' },
  { term: 'computeBuffer (FA on)', formula: 'max(4·B·(E + V), 4·B·(2F + 3E) + 2·B·C) (derived; MoE F = active experts × expert FFN)', source: 'vram.md §3 (derived, to calibrate)' },
  { term: 'computeBuffer (partial offload)', formula: 'full-offload buffer + largest CPU-resident matrix (copied to the GPU for ops of ≥ 32 tokens)', source: 'vram.md §3; ggml-cuda GGML_OP_OFFLOAD_MIN_BATCH' },
  { term: 'computeBuffer (multi-GPU)', formula: 'every GPU holding a layer allocates the whole buffer; pipeline-parallel input copies not counted', source: 'vram.md §3; llama.cpp#27953' },
  { term: 'outputBuffer', formula: 'np × V × 4 B in pinned host memory (not in totalGpuBytes)', source: 'llama.cpp src/llama-context.cpp output_reserve' },
  { term: 'overhead', formula: '457 MiB CUDA context (Ollama MinimumMemory) + the runtime\'s --fit margin per GPU (settings.fitMarginBytes: 1024 MiB, Ollama with a vision tag projector + 1 GiB)', source: 'ollama ml/device.go; llama.cpp common/common.h fit_params_target; ollama llm/llama_server.go mmprojOffloadHeadroom; llama.cpp#15860' },
  { term: 'runtime profile', formula: 'what the request leaves out comes from the runtime: Ollama num_ctx by node VRAM (262144 / 32768 / 4096), automatic num_batch, OLLAMA_NUM_PARALLEL, one KV type; llama-server 4 unified slots, -c = trained context shrunk by --fit (≥ 4096); results[].settings.fromProfile lists each value and rule', source: 'ollama server/routes.go, server/sched.go, llm/llama_server.go; llama.cpp tools/server/server.cpp, common/common.h' },
  { term: 'kvCache types', formula: 'K and V rows sized by their own types (--cache-type-k / --cache-type-v); a quantized V needs flash attention', source: 'llama.cpp common/arg.cpp, src/llama-context.cpp' },
  { term: 'hostMemory', formula: 'host weights (token_embd, CPU layers, CPU experts, a CPU projector) + host KV (all of it with -nkvo) + CUDA_Host compute buffer + logits; beyond the node\'s recorded RAM: does-not-fit', source: 'llama.cpp src/llama-model.cpp load_tensors, src/llama-kv-cache.cpp, src/llama-context.cpp' },
  { term: 'weights (imatrix)', formula: 'with an importance matrix llama-quantize skips the IQ4_XS/IQ4_NL/IQ3_XXS ffn_down bumps and guards Q4_0/Q5_0 ffn_down with Q4_1/Q5_1; IQ1/IQ2/IQ3_XXS and Q2_K_S need one', source: 'llama.cpp src/llama-quant.cpp llama_tensor_get_type_impl, tensor_requires_imatrix' },
  { term: 'placement', formula: 'largest -ngl whose per-GPU need ≤ vramBytes; several GPUs: contiguous ranges proportional to (vramBytes − overhead), llama.cpp upper_bound split', source: 'vram.md §1.3, §5.4, §10' },
  { term: 'MoE expert offload', formula: 'MoE that does not fit fully: all L + 1 layers on the GPUs except ffn_{gate,up,down}_exps of layers 0 … K−1 (--n-cpu-moe K), smallest K that fits; chosen over plain -ngl unless -ngl decodes faster; the compute buffer adds the largest CPU-resident expert tensor', source: 'vram.md §5.4 step 4 (llama.cpp --fit tries experts on CPU first); llama.cpp common/arg.cpp --n-cpu-moe' },
  { term: 'tokensPerSecond (expert offload)', formula: 'GPU part as below + Σ_{l<K} expert bytes_l × activeExperts/experts / (η_cpu · host bandwidth), η_cpu = 0.36', source: 'RTX 2080 + i9-10900X (102 GB/s): Qwen3-30B-A3B Q4_K_M --n-cpu-moe 36 36.7 t/s (AlexsJones/llmfit#755), gpt-oss-20B --n-cpu-moe 12 36.4 t/s (AlexsJones/llmfit#775)' },
  { term: 'tokensPerSecond (MoE)', formula: 'bytes read at the dense η + 79 µs per MoE layer and token (router, expert dispatch)', source: 'RTX 4090 llama-bench tg128: gpt-oss 20B MXFP4 186.1 t/s, Qwen3-30B-A3B Q4_0 161.6 t/s (ggml-org/llama.cpp#16834)' },
  { term: 'maxContextLength', formula: 'binary search over multiples of 256 up to the RoPE-scaled maximum, full offload required', source: 'vram.md §10 step 6' },
  { term: 'tokensPerSecond', formula: '1 / Σ_devices bytes_read / (η·BW); η = 0.74 on GPUs, host bandwidth as catalogued (already effective); MoE experts × active/experts; KV read up to the position', source: 'vram.md §6 (η from llmfit#773, RTX 2080 71.9 t/s)' },
  { term: 'cross-node split', formula: 'llama.cpp RPC: per token and node boundary, E × 4 B over linkBetween().effectiveMbps + 0.5 ms assumed round trip', source: 'vram.md §6; llama.cpp#6829; data/network-links.yaml' },
  { term: 'loadSeconds', formula: 'file bytes / slowest of (fastest known drive of the main node: sequential read, its PCIe link; the GPU PCIe link), as the storage planner prices it, + remote GPU shares over the inter-node link', source: 'storage planner loadSecondsFromNode; catalog drive and GPU records; vram.md §6.1 PCIe rates' },
]

const TRAINING: Assumption[] = [
  { term: 'weights', formula: 'full / LoRA: 2 B per parameter (bf16/fp16); QLoRA: NF4 4.127 bits for linear layers, embeddings bf16; LoRA adapters fp32', source: 'vram.md §7' },
  { term: 'gradients + optimizer', formula: 'full: 2 B grads + 12 B AdamW (master, m, v) or 6 B 8-bit; LoRA: 4 B grads + 8 B AdamW or 2 B 8-bit per adapter parameter; adapters r·(d_in + d_out) on q,k,v,o,gate,up,down', source: 'vram.md §7; EleutherAI Transformer Math 101' },
  { term: 'activations', formula: 'per token per layer 12E + 4·Hkv·Dh + 8F bytes; checkpointing: 2E per token per layer + one layer; eager attention adds 5·H·s²·b per layer', source: 'vram.md §7 (derived Llama-style variant of TM101)' },
  { term: 'logits', formula: '10 · s · b · V bytes (bf16 logits, fp32 upcast, fp32 grad)', source: 'vram.md §7' },
  { term: 'overhead', formula: '457 MiB CUDA context + 512 MiB margin per GPU (PyTorch often needs more: 0.3–2 GiB)', source: 'vram.md §4, §7' },
]

export function assumptionsFor(mode: 'inference' | 'full' | 'lora' | 'qlora'): Assumption[] {
  return mode === 'inference' ? INFERENCE : TRAINING
}
