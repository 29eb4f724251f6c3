/** The Proxmox config of a passthrough answer as one copyable text (also used by the browser test). */
import type { ProxmoxConfig } from '../../../api/src/domain/passthrough/schemas.ts'

/** The config as the files it goes into, in the order an admin applies them. */
export function proxmoxText(p: ProxmoxConfig): string {
  const sections: [string, string[]][] = [
    ['/etc/pve/qemu-server/<vmid>.conf', p.hostpci],
    ['or, on the host', p.qmSet ? [p.qmSet] : []],
    ['/etc/pve/mapping/pci.cfg', p.mappingCfg ? [p.mappingCfg] : []],
    ['or create the mapping with', p.mappingCommands],
    ['/etc/modprobe.d/vfio.conf', p.vfioConf],
    ['/etc/modules', p.modules],
    ['kernel command line (add)', p.kernelCmdline],
    ['/etc/modprobe.d/blacklist-gpu.conf', p.blacklist],
    ['then run', p.afterwards],
  ]
  return sections.filter(([, lines]) => lines.length > 0).map(([title, lines]) => `# ${title}\n${lines.join('\n')}`).join('\n\n')
}
