import type { ProxmoxConfig } from './schemas.ts'

export interface ConfigFile {
  /** The file or command the lines go into. */
  title: string
  lines: string[]
}

/**
 * The config of a passthrough answer as the files and commands it goes into, in the order an
 * admin applies them; empty parts left out. Shared by the docs site and the widgets, so both
 * show the same text (this module imports types only: it costs the widgets no zod).
 */
export function configFiles(p: ProxmoxConfig): ConfigFile[] {
  const files: ConfigFile[] = [
    { title: '/etc/pve/qemu-server/<vmid>.conf', lines: p.hostpci },
    { title: 'or, on the host, with qm', lines: p.qmSet ? [p.qmSet] : [] },
    { title: '/etc/pve/mapping/pci.cfg (resource mapping)', lines: p.mappingCfg ? [p.mappingCfg] : [] },
    { title: 'or create the mapping with pvesh', lines: p.mappingCommands },
    { title: 'or through the Proxmox API (pvesh)', lines: p.apiCalls.map((c) => c.pvesh) },
    { title: 'Terraform (bpg/proxmox provider)', lines: p.terraform ? [p.terraform.trimEnd()] : [] },
    { title: 'Ansible (community.general.proxmox_kvm)', lines: p.ansible ? [p.ansible.trimEnd()] : [] },
    { title: '/etc/modprobe.d/vfio.conf', lines: p.vfioConf },
    { title: '/etc/modules', lines: p.modules },
    { title: 'kernel command line additions', lines: p.kernelCmdline },
    { title: '/etc/modprobe.d/blacklist-gpu.conf', lines: p.blacklist },
    { title: 'then run', lines: p.afterwards },
  ]
  return files.filter((f) => f.lines.length > 0)
}
