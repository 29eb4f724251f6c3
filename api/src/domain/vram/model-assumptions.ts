/**
 * The assumptions that depend on what the model is (its source and architecture class),
 * returned next to the general ones of assumptions.ts, so an answer names only what applied.
 */
import { vramFormulasUrl } from './assumptions.ts'
import type { ResolvedModel } from './resolve-model.ts'
import type { Assumption } from './schemas.ts'
import type { SideModels } from './side-models.ts'

const LLAMA = 'https://github.com/ggml-org/llama.cpp/blob/master'

export function modelAssumptions(r: ResolvedModel, side: SideModels): Assumption[] {
  const a = r.arch
  const out: Assumption[] = []
  if (r.file) {
    out.push({
      term: 'weights (GGUF file)',
      formula:
        'Σ declared tensors n_elements / block_elements × block_bytes of ' +
        "each tensor's own ggml type: the file's bytes, no preset emulated",
      source:
        `ggml include/ggml.h enum ggml_type, src/ggml-common.h ` +
        `block structs; ${LLAMA}/src/llama-model-loader.cpp`,
      docsUrl: vramFormulasUrl('weights'),
    })
  }
  if (a.mla) {
    out.push({
      term: 'kvCache (MLA)',
      formula:
        `one latent K row of kv_lora_rank + rope = ${a.mla.kvLoraRank} ` +
        `+ ${a.mla.ropeHeadDim} values per token and layer, no V row`,
      source: `${LLAMA}/src/llama-kv-cache.cpp (has_v = !is_mla); ${LLAMA}/src/llama-model.cpp deepseek2 hparams`,
      docsUrl: vramFormulasUrl('other-attention-and-memory-classes'),
    })
  }
  if (a.kvHeadsByLayer) {
    out.push({
      term: 'kvCache (per-layer heads)',
      formula: 'K and V rows of head_count_kv[il] × head size per layer; 0 heads = no KV',
      source: `${LLAMA}/src/llama-hparams.cpp n_embd_k_gqa(il), n_embd_v_gqa(il)`,
      docsUrl: vramFormulasUrl('other-attention-and-memory-classes'),
    })
  }
  if (a.recurrent) {
    out.push({
      term: 'recurrent state',
      formula:
        `${a.recurrent.layers.length} recurrent layers × max(1, parallel) × (n_embd_r ` +
        `${a.recurrent.rollingStateValues} + n_embd_s ${a.recurrent.stateValues}) × 4 B (F32), ` +
        `independent of the context`,
      source: `${LLAMA}/src/llama-memory-recurrent.cpp; ${LLAMA}/src/llama-hparams.cpp n_embd_r, n_embd_s`,
      docsUrl: vramFormulasUrl('other-attention-and-memory-classes'),
    })
  }
  if (a.embeddingModel) {
    out.push({
      term: 'kvCache (embedding model)',
      formula: 'none: llama.cpp creates no memory for encoder-only and diffusion architectures',
      source: `${LLAMA}/src/llama-model.cpp llama_model::create_memory`,
      docsUrl: vramFormulasUrl('other-attention-and-memory-classes'),
    })
  }
  if (side.projector) {
    const where = side.projector.offload
      ? 'on the main GPU'
      : 'in host RAM (--no-mmproj-offload), not in totalGpuBytes'
    out.push({
      term: 'projector',
      formula: `mmproj weights (${side.projector.source}) ${where}; the image encoder's compute buffer is not counted`,
      source: `${LLAMA}/tools/mtmd (--mmproj, --no-mmproj-offload)`,
      docsUrl: vramFormulasUrl('projector-and-draft-model'),
    })
  }
  if (side.draft) {
    out.push({
      term: 'draft model',
      formula:
        'draft layers + output on the main GPU (-ngld all) + its KV cache ' +
        'at the same context and parallel sequences + its compute buffer',
      source: `${LLAMA}/tools/server (-md, -ngld); ${LLAMA}/common/speculative.cpp`,
      docsUrl: vramFormulasUrl('projector-and-draft-model'),
    })
  }
  return out
}
