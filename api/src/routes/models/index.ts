import { createRouter } from '../../http/create-router.ts'
import { getModel, getModelRoute } from './get-model.ts'
import { listModels, listModelsRoute } from './list-models.ts'
import { listQuantizations, listQuantizationsRoute } from './list-quantizations.ts'

export const modelsRouter = createRouter()
  .openapi(listModelsRoute, listModels)
  .openapi(getModelRoute, getModel)
  .openapi(listQuantizationsRoute, listQuantizations)
