import { createRouter } from '../../http/create-router.ts'
import { planVramFitHandler, planVramFitRoute } from './plan-vram-fit.ts'

export const plannersRouter = createRouter().openapi(planVramFitRoute, planVramFitHandler)
