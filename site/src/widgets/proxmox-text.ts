/** The Proxmox config of a passthrough answer as one copyable text (also used by the browser test). */
import type { ProxmoxConfig } from '../../../api/src/domain/passthrough/schemas.ts'
import { configFiles } from '../../../api/src/domain/passthrough/config-files.ts'

/** The config as the files it goes into, in the order an admin applies them. */
export function proxmoxText(p: ProxmoxConfig): string {
  return configFiles(p)
    .map((f) => `# ${f.title}\n${f.lines.join('\n')}`)
    .join('\n\n')
}
