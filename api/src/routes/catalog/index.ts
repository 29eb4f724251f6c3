import { createRouter } from '../../http/create-router.ts'
import { getCatalog, getCatalogRoute } from './get-catalog.ts'
import { getDevice, getDeviceRoute } from './get-device.ts'
import { getIommuGroup, getIommuGroupRoute } from './get-iommu-group.ts'
import { getNode, getNodeRoute } from './get-node.ts'
import { listDevices, listDevicesRoute } from './list-devices.ts'
import { listIommuGroups, listIommuGroupsRoute } from './list-iommu-groups.ts'
import { listNodes, listNodesRoute } from './list-nodes.ts'

export const catalogRouter = createRouter()
  .openapi(listNodesRoute, listNodes)
  .openapi(getNodeRoute, getNode)
  .openapi(listDevicesRoute, listDevices)
  .openapi(getDeviceRoute, getDevice)
  .openapi(listIommuGroupsRoute, listIommuGroups)
  .openapi(getIommuGroupRoute, getIommuGroup)
  .openapi(getCatalogRoute, getCatalog)
