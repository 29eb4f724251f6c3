import { createRouter } from '../../http/create-router.ts'
import { checkIommuGroup, checkIommuGroupRoute } from './check-iommu-group.ts'
import { planPassthrough, planPassthroughRoute } from './plan-passthrough.ts'

export const passthroughRouter = createRouter()
  .openapi(checkIommuGroupRoute, checkIommuGroup)
  .openapi(planPassthroughRoute, planPassthrough)
