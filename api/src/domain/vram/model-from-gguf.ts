/**
 * A model from its GGUF header: the architecture from the metadata keys llama.cpp reads
 * (ggml-org/llama.cpp `src/llama-arch.cpp` LLM_KV_NAMES, `src/llama-model.cpp` load_hparams)
 * and the weights from the tensors the file declares, sized with ggml's block table: exact
 * to the byte, nothing emulated.
 */
import { PlanInputError } from '../plan-input-error.ts'
import { GGML_TYPE_IDS, GGML_TYPES, ggmlBytes, type GgmlType } from './ggml-types.ts'
import type { GgufHeader } from './gguf-schemas.ts'
import { GgufMetadata } from './gguf-metadata.ts'
import type { Architecture } from './tensors.ts'
import type { TypedTensor } from './weights.ts'

/** A model whose weights are known tensor by tensor (a GGUF file) rather than emulated. */
export interface ModelFile {
  name: string
  arch: Architecture
  tensors: TypedTensor[]
  /** general.file_type as llama-quantize names it (Q4_K_M), or "mixed" when the file does not say. */
  fileType: string
  warnings: string[]
}

/** llama_model::create_memory returns no memory for these: encoders and diffusion models. */
const NO_MEMORY_ARCHS = new Set([
  'bert',
  'jina-bert-v2',
  'jina-bert-v3',
  'nomic-bert',
  'nomic-bert-moe',
  'neo-bert',
  'modern-bert',
  'gemma-embedding',
  'dream',
  'llada',
  'llada-moe',
  'rnd1',
])
/** llm_arch_is_recurrent: every block is recurrent. */
const RECURRENT_ARCHS = new Set(['mamba', 'mamba2', 'rwkv6', 'rwkv6qwen2', 'rwkv7', 'arwkv7'])
/** Hybrids whose recurrent blocks are those with head_count_kv 0 (load_hparams: recurrent_layer_arr). */
const HYBRID_BY_KV_HEADS = new Set([
  'jamba',
  'granitehybrid',
  'nemotron_h',
  'nemotron_h_moe',
  'lfm2',
  'lfm2moe',
])
/** Hybrids with full attention every `full_attention_interval` blocks, gated delta net between. */
const HYBRID_BY_INTERVAL = new Set(['qwen3next', 'qwen35', 'qwen35moe'])
/**
 * Memory schemes the planner does not model, so it refuses them rather than answer wrongly:
 * KV shared across blocks (Gemma 3n), chunked attention (Llama 4), blocks that are attention
 * and SSM at once (Falcon-H1), and others with their own cache layout.
 */
const UNMODELLED_ARCHS: Record<string, string> = {
  gemma3n: 'Gemma 3n shares the KV of its last blocks (n_layer_kv_from_start)',
  llama4: 'Llama 4 uses chunked attention on 3 of 4 blocks',
  'falcon-h1': 'Falcon-H1 runs attention and an SSM side by side in every block',
  plamo2: 'PLaMo 2 interleaves Mamba and attention in its own pattern',
  'kimi-linear': 'Kimi Linear mixes KDA recurrent blocks with MLA in its own pattern',
  t5: 'T5 is an encoder-decoder with a cross-attention cache',
}
/** llama.cpp set_swa_pattern(n) per architecture (load_hparams), for files without a per-layer array. */
const SWA_PATTERN: Record<string, number> = {
  gemma2: 2,
  gemma3: 6,
  'gemma-embedding': 6,
  cohere2: 4,
  'gpt-oss': 2,
}

/**
 * llama_ftype of `include/llama.h` (general.file_type) by number; 0 and 1 are ALL_F32 and
 * MOSTLY_F16, named after their type here.
 */
const FILE_TYPES: Record<number, string> = {
  0: 'F32',
  1: 'F16',
  2: 'Q4_0',
  3: 'Q4_1',
  7: 'Q8_0',
  8: 'Q5_0',
  9: 'Q5_1',
  10: 'Q2_K',
  11: 'Q3_K_S',
  12: 'Q3_K_M',
  13: 'Q3_K_L',
  14: 'Q4_K_S',
  15: 'Q4_K_M',
  16: 'Q5_K_S',
  17: 'Q5_K_M',
  18: 'Q6_K',
  19: 'IQ2_XXS',
  20: 'IQ2_XS',
  21: 'Q2_K_S',
  22: 'IQ3_XS',
  23: 'IQ3_XXS',
  24: 'IQ1_S',
  25: 'IQ4_NL',
  26: 'IQ3_S',
  27: 'IQ3_M',
  28: 'IQ2_S',
  29: 'IQ2_M',
  30: 'IQ4_XS',
  31: 'IQ1_M',
  32: 'BF16',
  36: 'TQ1_0',
  37: 'TQ2_0',
  38: 'MXFP4_MOE',
}

/** Tensors llama.cpp keeps with the input layer (LLM_TENSOR_LAYER_INPUT): host-resident. */
const INPUT_TENSORS = /^(token_embd|token_types|position_embd|token_embd_norm)\./

function tensorType(dtype: number | string, pointer: string): GgmlType {
  const type = typeof dtype === 'number' ? GGML_TYPE_IDS[dtype] : (dtype.toUpperCase() as GgmlType)
  if (type && type in GGML_TYPES) return type
  throw new PlanInputError(
    'invalid',
    pointer,
    `Unknown ggml type ${JSON.stringify(dtype)}: expected a ggml_type ` +
      `number or one of ${Object.keys(GGML_TYPES).join(', ')}.`,
  )
}

/** The tensors a header declares, typed and sized; `blk.N.` names give the layer (N < `layers`). */
export function declaredTensors(h: GgufHeader, layers: number, at: string): TypedTensor[] {
  return h.tensorInfos.map((t, i) => {
    const here = `${at}/tensorInfos/${i}`
    const shape = t.shape.map((d, j) => {
      const n = Number(d)
      if (!Number.isSafeInteger(n) || n < 1)
        throw new PlanInputError(
          'invalid',
          `${here}/shape/${j}`,
          `Dimension ${d} of ${t.name} is not a positive safe integer.`,
        )
      return n
    })
    const type = tensorType(t.dtype, `${here}/dtype`)
    if (shape[0]! % GGML_TYPES[type].blockElements !== 0) {
      throw new PlanInputError(
        'invalid',
        `${here}/shape/0`,
        `${t.name}: a ${type} row holds whole blocks of ` +
          `${GGML_TYPES[type].blockElements} values; ne[0] = ${shape[0]} does not.`,
      )
    }
    const block = /^blk\.(\d+)\./.exec(t.name)
    const layer = block ? Number(block[1]) : INPUT_TENSORS.test(t.name) ? -1 : layers
    if (layer >= layers && block) {
      throw new PlanInputError(
        'invalid',
        `${here}/name`,
        `${t.name} belongs to block ${layer}, but block_count is ${layers}.`,
      )
    }
    const elements = shape.reduce((a, b) => a * b, 1)
    if (!Number.isSafeInteger(elements))
      throw new PlanInputError(
        'invalid',
        `${here}/shape`,
        `${t.name} has more than 2^53 values: not a real tensor.`,
      )
    return { name: t.name, layer, shape, type, bytes: ggmlBytes(type, elements) }
  })
}

/** Recurrent blocks and their state sizes (llama_hparams::n_embd_r / n_embd_s). */
function recurrentOf(
  m: GgufMetadata,
  arch: string,
  layers: number,
  kvHeadsByLayer: number[],
): Architecture['recurrent'] {
  let recurrentLayers: number[]
  if (RECURRENT_ARCHS.has(arch)) recurrentLayers = Array.from({ length: layers }, (_, il) => il)
  else if (HYBRID_BY_INTERVAL.has(arch)) {
    const interval = m.optionalInt(`${arch}.full_attention_interval`) ?? 4
    recurrentLayers = Array.from({ length: layers }, (_, il) => il).filter((il) => (il + 1) % interval !== 0)
  } else if (HYBRID_BY_KV_HEADS.has(arch)) {
    const ffn = m.intOrArray(`${arch}.feed_forward_length`, layers, 0)
    // Nemotron-H also has FFN-only blocks (no attention, no state): kv 0 and an FFN.
    recurrentLayers = kvHeadsByLayer.flatMap((h, il) =>
      h === 0 && (!arch.startsWith('nemotron_h') || ffn[il] === 0) ? [il] : [],
    )
  } else return null
  const E = m.int(`${arch}.embedding_length`)
  const wkvHead = m.optionalInt(`${arch}.wkv.head_size`)
  const shortConv = m.optionalInt(`${arch}.shortconv.l_cache`)
  let rolling: number
  let state: number
  if (wkvHead) {
    rolling = (m.optionalInt(`${arch}.token_shift_count`) ?? 2) * E
    state = E * wkvHead
  } else if (shortConv) {
    rolling = E * (shortConv - 1)
    state = 0
  } else {
    const dConv = m.int(`${arch}.ssm.conv_kernel`)
    const dInner = m.int(`${arch}.ssm.inner_size`)
    const dState = m.int(`${arch}.ssm.state_size`)
    const groups = m.optionalInt(`${arch}.ssm.group_count`) ?? 0
    rolling = (dConv > 0 ? dConv - 1 : 0) * (dInner + 2 * groups * dState)
    state = dState * dInner
  }
  return recurrentLayers.length > 0
    ? { layers: recurrentLayers, rollingStateValues: rolling, stateValues: state }
    : null
}

function slidingWindowOf(
  m: GgufMetadata,
  arch: string,
  layers: number,
  warnings: string[],
): Architecture['slidingWindow'] {
  const window = m.optionalInt(`${arch}.attention.sliding_window`)
  if (!window) return null
  const perLayer = m.optionalBoolArray(`${arch}.attention.sliding_window_pattern`)
  if (perLayer) {
    // Only periodic patterns (il % p < p − 1) are modelled; find the period the array follows.
    for (let p = 2; p <= Math.min(64, layers); p++) {
      if (perLayer.every((swa, il) => swa === il % p < p - 1)) return { windowTokens: window, pattern: p }
    }
    return m.fail(
      `${arch}.attention.sliding_window_pattern`,
      'a periodic pattern (il % p < p − 1 is a window layer); this one is not',
    )
  }
  const pattern = SWA_PATTERN[arch]
  if (!pattern)
    warnings.push(
      `${arch}.attention.sliding_window is ${window}, but the planner knows which layers use it ` +
        `only for ${Object.keys(SWA_PATTERN).join(', ')} or a sliding_window_pattern array: every ` +
        `layer is sized for the full context (an overestimate if llama.cpp applies the window).`,
    )
  return pattern ? { windowTokens: window, pattern } : null
}

function mlaOf(m: GgufMetadata, arch: string): Architecture['mla'] {
  const keyMla = m.optionalInt(`${arch}.attention.key_length_mla`)
  if (!keyMla) return null
  const rope = m.int(`${arch}.rope.dimension_count`)
  return {
    qLoraRank: m.optionalInt(`${arch}.attention.q_lora_rank`) || null,
    kvLoraRank: m.int(`${arch}.attention.kv_lora_rank`),
    ropeHeadDim: rope,
    nopeHeadDim: keyMla - rope,
    valueHeadDim: m.int(`${arch}.attention.value_length_mla`),
  }
}

function moeOf(m: GgufMetadata, arch: string, ffnSize: number): Architecture['moe'] {
  const experts = m.optionalInt(`${arch}.expert_count`)
  if (!experts) return null
  return {
    experts,
    activeExperts: m.int(`${arch}.expert_used_count`),
    expertFfnSize: m.optionalInt(`${arch}.expert_feed_forward_length`) ?? ffnSize,
    sharedExperts: m.optionalInt(`${arch}.expert_shared_count`) ?? 0,
    leadingDenseLayers: m.optionalInt(`${arch}.leading_dense_block_count`) ?? 0,
  }
}

/** Trained context, and the largest with the file's RoPE scaling (YaRN / linear factor × original). */
function contextOf(m: GgufMetadata, arch: string): { contextLength: number; maxContextLength: number } {
  const contextLength = m.int(`${arch}.context_length`, 1, 16_777_216)
  const factor = m.optionalNumber(`${arch}.rope.scaling.factor`) ?? 1
  const original = m.optionalInt(`${arch}.rope.scaling.original_context_length`)
  const scaled = factor > 1 && original ? Math.round(original * factor) : contextLength
  return { contextLength, maxContextLength: Math.min(Math.max(contextLength, scaled), 16_777_216) }
}

function checkShards(m: GgufMetadata, h: GgufHeader, at: string): void {
  const shards = m.optionalInt('split.count') ?? 1
  const tensors = m.optionalInt('split.tensors.count')
  if (shards > 1 && tensors !== undefined && tensors !== h.tensorInfos.length) {
    throw new PlanInputError(
      'invalid',
      `${at}/tensorInfos`,
      `This header is one shard of ${shards} (split.tensors.count ${tensors}, ${h.tensorInfos.length} ` +
        `listed): concatenate the tensorInfos of every shard, or give the first shard's URL as model.url.`,
    )
  }
}

export function modelFromGguf(h: GgufHeader, at = '/model/gguf'): ModelFile {
  const m: GgufMetadata = new GgufMetadata(h.metadata, `${at}/metadata`)
  const arch = m.string('general.architecture')
  if (arch === 'clip')
    m.fail(
      'general.architecture',
      'a language model; this is a vision projector (mmproj): pass it as projector.gguf next to its model',
    )
  if (UNMODELLED_ARCHS[arch])
    m.fail(
      'general.architecture',
      `an architecture whose memory the planner models; ${UNMODELLED_ARCHS[arch]}`,
    )
  checkShards(m, h, at)
  // The same bounds as an inline architecture (model-schemas.ts), so no header costs more than a registry model.
  const layers = m.int(`${arch}.block_count`, 1, 256)
  const hiddenSize = m.int(`${arch}.embedding_length`, 1, 65_536)
  const headsByLayer = m.intOrArray(`${arch}.attention.head_count`, layers)
  const heads = Math.max(...headsByLayer)
  if (heads < 1 || heads > 1024) m.fail(`${arch}.attention.head_count`, 'from 1 to 1024 heads')
  const kvHeadsByLayer = m.has(`${arch}.attention.head_count_kv`)
    ? m.intOrArray(`${arch}.attention.head_count_kv`, layers)
    : headsByLayer
  const perLayerKv = kvHeadsByLayer.some((x) => x !== kvHeadsByLayer[0])
  const ffnSize = Math.max(...m.intOrArray(`${arch}.feed_forward_length`, layers, 0), 1)
  const mla = mlaOf(m, arch)
  const headDim = mla
    ? mla.nopeHeadDim + mla.ropeHeadDim
    : (m.optionalInt(`${arch}.attention.key_length`) ?? Math.trunc(hiddenSize / heads))
  const valueLength = mla ? mla.valueHeadDim : (m.optionalInt(`${arch}.attention.value_length`) ?? headDim)
  const tensors = declaredTensors(h, layers, at)
  const tokenEmbd = tensors.find((t) => t.name === 'token_embd.weight')
  const vocabSize =
    m.optionalInt(`${arch}.vocab_size`) ??
    m.optionalArrayLength('tokenizer.ggml.tokens') ??
    tokenEmbd?.shape[1]
  if (!vocabSize)
    m.fail(
      `${arch}.vocab_size`,
      'the vocabulary size (or tokenizer.ggml.tokens, or a token_embd.weight tensor)',
    )
  const embeddingModel = NO_MEMORY_ARCHS.has(arch)
  const fileType = m.optionalInt('general.file_type')
  const warnings: string[] = []
  const slidingWindow = slidingWindowOf(m, arch, layers, warnings)
  const archObject: Architecture = {
    llamaCppArchitecture: arch.replace(/[^a-z0-9-]/g, '-'),
    layers,
    hiddenSize,
    heads,
    kvHeads: Math.max(...kvHeadsByLayer, 1),
    headDim,
    ffnSize,
    vocabSize,
    tiedEmbeddings: !embeddingModel && !tensors.some((t) => t.name === 'output.weight'),
    ...contextOf(m, arch),
    slidingWindow,
    moe: moeOf(m, arch, ffnSize),
    tensorFeatures: [],
    shipsMxfp4: tensors.some((t) => t.type === 'MXFP4'),
    valueHeadDim: valueLength === headDim ? null : valueLength,
    kvHeadsByLayer: perLayerKv ? kvHeadsByLayer : null,
    mla,
    recurrent: recurrentOf(m, arch, layers, kvHeadsByLayer),
    embeddingModel,
  }
  if (embeddingModel)
    warnings.push(`${arch} is an embedding (or diffusion) model: llama.cpp allocates no KV cache for it.`)
  return {
    name: m.optionalString('general.name') ?? `${arch} GGUF`,
    arch: archObject,
    tensors,
    fileType: fileType === undefined ? 'mixed' : (FILE_TYPES[fileType] ?? `file_type ${fileType}`),
    warnings,
  }
}
