import { createRouter } from '../../http/create-router.ts'
import { importHostHandler, importHostRoute } from './import-host.ts'

export const importRouter = createRouter().openapi(importHostRoute, importHostHandler)
