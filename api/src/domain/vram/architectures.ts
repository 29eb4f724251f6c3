/**
 * The llama.cpp architecture names (src/llama-arch.cpp LLM_ARCH_NAMES) whose GGUF tensor list
 * tensors.ts can write: decoder-only transformers with grouped-query attention and a dense or
 * mixture-of-experts FFN, plus the tensorFeatures this planner models; DeepSeek's MLA
 * (tensors-mla.ts) and BERT-style embedding encoders (tensors-bert.ts). An architecture outside
 * the list (hybrid recurrent, encoder-decoder, …) would be sized wrongly from an inline
 * description, so it is refused there; a GGUF header declares its own tensors instead.
 * https://github.com/ggml-org/llama.cpp/blob/master/src/llama-arch.cpp
 */
export const LLAMA_CPP_ARCHITECTURES = [
  'llama',
  'mistral3',
  'granite',
  'qwen2',
  'qwen3',
  'qwen3moe',
  'gemma',
  'gemma2',
  'gemma3',
  'phi3',
  'gpt-oss',
  'olmo2',
  'deepseek2',
  'bert',
  'nomic-bert',
] as const

/** llama.cpp src/llama-hparams.h: LLAMA_MAX_EXPERTS (Qwen3 Next's 512). */
export const LLAMA_MAX_EXPERTS = 512
