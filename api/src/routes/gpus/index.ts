import { createRouter } from '../../http/create-router.ts'
import { getGpu, getGpuRoute } from './get-gpu.ts'
import { listGpus, listGpusRoute } from './list-gpus.ts'

export const gpusRouter = createRouter().openapi(listGpusRoute, listGpus).openapi(getGpuRoute, getGpu)
