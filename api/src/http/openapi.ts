/** The OpenAPI document's fixed parts. Served at /api/openapi.json and committed to openapi/. */
export const OPENAPI_PATH = '/api/openapi.json'

export const documentConfig = {
  openapi: '3.1.0',
  info: {
    title: 'homelab-planner API',
    version: '1.0.0',
    description:
      'Hardware catalog and planners for a Proxmox GPU homelab: fit a model into VRAM, check an IOMMU group for passthrough, place data on storage tiers. Errors are RFC 9457 problem+json.',
    license: { name: 'MIT', identifier: 'MIT' },
  },
  // A public, read-only planner: no operation needs credentials.
  security: [],
  // Relative: the interactive reference and clients call the server that served this document
  // (npm start serves http://127.0.0.1:8787).
  servers: [{ url: '/', description: 'the server that serves this document' }],
  tags: [
    { name: 'catalog', description: 'Nodes, PCI devices, IOMMU groups, drives and NICs, with provenance' },
    { name: 'lab', description: 'The lab architecture (guests, services, resident models, datasets) and the planner that checks it as a whole' },
    { name: 'models', description: 'The LLM registry and quantization presets' },
    { name: 'planners', description: 'VRAM fit, passthrough and storage planners' },
    { name: 'meta', description: 'Health and the API description itself' },
  ],
}
