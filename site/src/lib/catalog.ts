/**
 * The ONE place the site reads data/: every page imports the catalog from here, so a value
 * changed in data/ changes every page that shows it on the next build. Astro pages render in
 * Node at build time, from the repo root (`npm run site:build`), hence the relative 'data'.
 */
import { readFileSync } from 'node:fs'
import { loadArchitecture, loadCatalog } from '../../../api/scripts/load-catalog.ts'
import { planLab } from '../../../api/src/domain/lab/plan-lab.ts'
import type { OpenApiDocument } from './api-reference.ts'

export const catalog = loadCatalog('data')

/** The documented architecture (data/architecture/) and the lab planner's answer for it. */
export const architecture = loadArchitecture(catalog, 'data')
export const labPlan = planLab(architecture, catalog)

/** The committed API description (refreshed by `npm run openapi`), rendered on /api-reference/. */
export const openapi = JSON.parse(readFileSync('openapi/openapi.json', 'utf8')) as OpenApiDocument
