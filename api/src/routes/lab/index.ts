import { createRouter } from '../../http/create-router.ts'
import { getArchitectureHandler, getArchitectureRoute } from './get-architecture.ts'
import { planLabHandler, planLabRoute } from './plan-lab.ts'

export const labRouter = createRouter()
  .openapi(getArchitectureRoute, getArchitectureHandler)
  .openapi(planLabRoute, planLabHandler)
