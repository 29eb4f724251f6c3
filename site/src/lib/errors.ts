/**
 * Explanations of the API's problem types for the errors page. Status and title come from
 * PROBLEM_TYPES itself (passed in), so they cannot drift; the prose per key is written here,
 * with a generic fallback so a new type still gets its anchor.
 */

const PROSE: Record<string, { meaning: string; fix: string }> = {
  'bad-request': {
    meaning: 'A path or query parameter is malformed (for example a PCI address that is not bb:dd.f), or the body is not valid JSON. The errors list names the parameter.',
    fix: 'Correct the named parameter; the OpenAPI description gives each one\'s pattern and an example.',
  },
  'not-found': {
    meaning: 'The path names something the catalog does not hold: an unknown node, device address, IOMMU group, model or GPU, or no route at all. The detail lists the nearest known ids.',
    fix: 'Use one of the ids suggested in detail, or list what exists (GET /api/v1/nodes, /api/v1/models).',
  },
  'method-not-allowed': {
    meaning: 'The path exists but not with this HTTP method. The Allow header lists the methods it takes.',
    fix: 'Use a method from the Allow header: catalog reads are GET, planners are POST.',
  },
  'payload-too-large': {
    meaning: 'The request body is larger than the API accepts (planner requests are a few KiB).',
    fix: 'Send a smaller body: name registry models by id instead of inlining large structures.',
  },
  'unsupported-media-type': {
    meaning: 'A POST body was sent without Content-Type: application/json.',
    fix: 'Send the body as JSON with the header Content-Type: application/json.',
  },
  'invalid-request': {
    meaning: 'The body is JSON but does not match the operation\'s schema, or breaks a rule the schema cannot express (a context longer than the model allows, a quantized KV cache without flash attention). Each entry of errors points at the offending field.',
    fix: 'Fix each field the errors list points at; the request schema is in the API reference.',
  },
  'bad-gateway': {
    meaning: 'The request names a model by URL or registry tag, and the server holding it could not be reached, did not answer in time, or answered with a server error.',
    fix: 'Retry later, or post the GGUF header itself as model.gguf (for example from `npm run vram -- file.gguf --header`).',
  },
  internal: {
    meaning: 'The server failed to answer. Nothing about the failure is returned; it is logged for the operator.',
    fix: 'Retry later; if it persists, report the request (method, path, body) so it can be reproduced.',
  },
}

export interface ProblemTypeDoc {
  key: string
  status: number
  title: string
  meaning: string
  fix: string
}

export function problemTypeDocs(types: Record<string, { status: number; title: string }>): ProblemTypeDoc[] {
  return Object.entries(types).map(([key, t]) => ({
    key,
    status: t.status,
    title: t.title,
    meaning: PROSE[key]?.meaning ?? t.title + '.',
    fix: PROSE[key]?.fix ?? 'See the detail and errors fields of the response.',
  }))
}
