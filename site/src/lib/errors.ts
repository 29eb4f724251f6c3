/**
 * Explanations of the API's problem types for the errors page. Status and title come from
 * PROBLEM_TYPES itself (passed in), so they cannot drift; the prose per key is written here,
 * with a generic fallback so a new type still gets its anchor.
 */

const PROSE: Record<string, { meaning: string; fix: string }> = {
  'bad-request': {
    meaning:
      'A path or query parameter is malformed (for example a PCI address that is not bb:dd.f), ' +
      'a query parameter is unknown (a typo such as ?clas=; ' +
      'the entry suggests the nearest known one), ' +
      'a query filter names something the catalog does not hold, ' +
      'or the body is not valid JSON. The errors list names the parameter.',
    fix: "Correct the named parameter; the OpenAPI description gives each one's pattern and an example.",
  },
  'not-found': {
    meaning:
      'The path names something the catalog does not hold: ' +
      'an unknown node, device address, IOMMU group or model, or no route at all. ' +
      'The detail lists the nearest known ids. ' +
      '(An unknown name inside a body is a 422, in a query a 400: the planner exists, the input is wrong.)',
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
  'too-many-requests': {
    meaning:
      'This client (by IP address) sent more requests in the window than a public deployment allows. ' +
      'Retry-After says how many seconds to wait; RateLimit-Policy states the limit.',
    fix:
      'Wait Retry-After seconds, then retry; ' +
      'cache reads with If-None-Match (a 304 is cheap) and batch planner items into one request.',
  },
  'invalid-request': {
    meaning:
      "The body is JSON but does not match the operation's schema (a wrong type, " +
      'a value out of range, a field the schema does not declare: ' +
      'every object is strict, and the entry names the nearest known field), ' +
      'names something the catalog does not hold (a node, model, GPU or drive), ' +
      'or breaks a rule the schema cannot express (a context longer than the model allows, ' +
      'a quantized KV cache without flash attention). Each entry of errors points at the offending field.',
    fix: 'Fix each field the errors list points at; the request schema is in the API reference.',
  },
  'bad-gateway': {
    meaning:
      'The request names a model by URL or registry tag, and the server holding it could not be reached, ' +
      'did not answer in time, or answered with a server error.',
    fix:
      'Retry later, or post the GGUF header itself as model.gguf ' +
      '(for example from `npm run vram -- file.gguf --header`).',
  },
  internal: {
    meaning:
      'The server failed to answer. Nothing about the failure is returned; it is logged for the operator.',
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
