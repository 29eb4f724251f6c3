/**
 * A device's role, from its PCI class code (pci.ids "C" section) and, for the extra
 * functions of a GPU, from sharing the GPU's slot (docs/research/passthrough-rules.md §10.7 and pci.ids:
 * TU104 has .1 audio, .2 USB, .3 UCSI next to the .0 VGA function).
 */
import type { DeviceRole } from '../catalog/schemas.ts'

const BY_CLASS: Record<string, DeviceRole> = {
  '0300': 'gpu',
  '0302': 'gpu',
  '0380': 'gpu',
  '0107': 'sas-hba',
  '0108': 'nvme',
  '0604': 'pcie-switch-port',
  '0200': 'ethernet',
  '0280': 'wifi',
  '0c03': 'usb-controller',
  '1300': 'non-essential-instrumentation',
}

const GPU_FUNCTION: Record<string, DeviceRole> = {
  '0403': 'gpu-audio',
  '0c03': 'gpu-usb',
  '0c80': 'gpu-usb-c-ucsi',
}

/** `slotHasGpu`: another function of the same `dddd:bb:dd` slot is a display controller. */
export function roleFor(classCode: string, slotHasGpu: boolean): DeviceRole {
  if (slotHasGpu && GPU_FUNCTION[classCode]) return GPU_FUNCTION[classCode]
  return BY_CLASS[classCode] ?? 'other'
}

export function isDisplayClass(classCode: string | undefined): boolean {
  return classCode !== undefined && classCode.startsWith('03')
}
