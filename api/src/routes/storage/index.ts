import { createRouter } from '../../http/create-router.ts'
import { getNodeStorageTiers, getNodeStorageTiersRoute } from './get-node-storage-tiers.ts'
import { listNetworkLinksHandler, listNetworkLinksRoute } from './list-network-links.ts'
import { listStorageTiers, listStorageTiersRoute } from './list-storage-tiers.ts'
import { planStorageTierHandler, planStorageTierRoute } from './plan-storage-tier.ts'
import { planTransferHandler, planTransferRoute } from './plan-transfer.ts'

export const storageRouter = createRouter()
  .openapi(listStorageTiersRoute, listStorageTiers)
  .openapi(getNodeStorageTiersRoute, getNodeStorageTiers)
  .openapi(listNetworkLinksRoute, listNetworkLinksHandler)
  .openapi(planStorageTierRoute, planStorageTierHandler)
  .openapi(planTransferRoute, planTransferHandler)
