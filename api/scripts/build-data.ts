/**
 * `npm run data:build`: validates data/ and writes api/src/generated/catalog.json and
 * architecture.json, the bundle the worker imports (a worker has no file system). Exits 1
 * listing every problem found.
 */
import { mkdirSync, writeFileSync } from 'node:fs'
import { CatalogError, loadArchitecture, loadCatalog } from './load-catalog.ts'

const OUT = 'api/src/generated/catalog.json'
const ARCHITECTURE_OUT = 'api/src/generated/architecture.json'

try {
  const catalog = loadCatalog('data')
  mkdirSync('api/src/generated', { recursive: true })
  writeFileSync(OUT, JSON.stringify(catalog))
  const architecture = loadArchitecture(catalog, 'data')
  writeFileSync(ARCHITECTURE_OUT, JSON.stringify(architecture))
  const devices = catalog.nodes.reduce((n, node) => n + node.devices.length, 0)
  console.log(`data: ${catalog.nodes.length} nodes, ${devices} devices → ${OUT}`)
  console.log(
    `data: ${architecture.guests.length} guests, ${architecture.services.length} services → ${ARCHITECTURE_OUT}`,
  )
} catch (err) {
  if (!(err instanceof CatalogError)) throw err
  console.error(err.message)
  process.exit(1)
}
