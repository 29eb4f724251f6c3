/**
 * The site navigation, built from the catalog: a node added to data/nodes appears here (and
 * gets its pages) on the next build. Used by astro.config.mjs.
 */
import type { Catalog } from '../../../api/src/domain/catalog/catalog.ts'

type Link = { label: string; link: string }
type Group = { label: string; items: (Link | Group)[]; collapsed?: boolean }

export function buildSidebar(catalog: Catalog): (Link | Group)[] {
  return [
    { label: 'Overview', link: '/' },
    {
      label: 'Architecture',
      items: [
        { label: 'The lab as planned', link: '/architecture/' },
        ...catalog.nodes.map((n) => ({ label: n.name, link: `/architecture/${n.id}/` })),
      ],
    },
    {
      label: 'Nodes',
      items: catalog.nodes.map((n) => ({
        label: n.name,
        items: [
          { label: 'Devices and platform', link: `/nodes/${n.id}/` },
          { label: 'IOMMU groups', link: `/nodes/${n.id}/iommu-groups/` },
        ],
      })),
    },
    {
      label: 'Planning',
      items: [
        { label: 'AI placement', link: '/ai-placement/' },
        { label: 'VRAM formulas', link: '/research/vram-formulas/' },
        { label: 'VRAM accuracy', link: '/accuracy/' },
        { label: 'GPU library', link: '/gpus/' },
        { label: 'Storage tiers', link: '/storage/' },
        { label: 'Network', link: '/network/' },
        { label: 'Passthrough rules', link: '/rules/' },
      ],
    },
    { label: 'Findings', link: '/findings/' },
    {
      label: 'API',
      items: [
        { label: 'API reference', link: '/api-reference/' },
        { label: 'Errors', link: '/docs/errors/' },
      ],
    },
  ]
}
