/**
 * The Terraform and Ansible blocks README.md shows under its `curl … | jq -r '.vms[0].proxmox.terraform'`
 * example are what the API answers to that request, byte for byte: the README cannot keep an
 * old attribute name or a placeholder after the generator changes.
 */
import { readFileSync } from 'node:fs'
import { expect, it } from 'vitest'
import { loadArchitecture, loadCatalog } from '../../../api/scripts/load-catalog.ts'
import { createApp } from '../../../api/src/app.ts'
import { readmeCurls } from '../../readme-curls.ts'

const catalog = loadCatalog('data')
const app = createApp(catalog, loadArchitecture(catalog, 'data'))

/** The first fenced block of `lang` after `marker` in the README. */
function blockAfter(readme: string, marker: string, lang: string): string {
  const at = readme.indexOf(marker)
  expect(at, marker).toBeGreaterThan(-1)
  const rest = readme.slice(at)
  return rest.match(new RegExp('```' + lang + '\\n([\\s\\S]*?)```'))![1]!
}

it('shows the Terraform and Ansible output of its planner example as the API writes them', async () => {
  const readme = readFileSync('README.md', 'utf8')
  const curl = readmeCurls().find((c) => c.command.includes('.vms[0].proxmox.terraform'))!
  expect(curl, 'the README has the Terraform example').toBeDefined()
  const res = await app.request(curl.path, { method: curl.method, headers: curl.headers, body: curl.body! })
  expect(res.status).toBe(200)
  const { vms } = await res.json<{ vms: { proxmox: { terraform: string; ansible: string } }[] }>()
  expect(blockAfter(readme, "| jq -r '.vms[0].proxmox.terraform'", 'hcl')).toBe(vms[0]!.proxmox.terraform)
  expect(blockAfter(readme, "`jq -r '.vms[0].proxmox.ansible'`", 'yaml')).toBe(vms[0]!.proxmox.ansible)
})
