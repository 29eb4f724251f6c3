/** The model-fit matrix at every offered context, as text: what the AI placement page's filters read. */
import type { APIRoute } from 'astro'
import { catalog } from '../lib/catalog.ts'
import { fitMatrixData } from '../lib/model-fit.ts'

export const GET: APIRoute = () =>
  new Response(JSON.stringify(fitMatrixData(catalog)), { headers: { 'content-type': 'application/json' } })
