/**
 * <passthrough-check node group device api>: can this IOMMU group go to a VM, what goes with
 * it, and the Proxmox config (GET /api/v1/nodes/{node}/iommu-groups/{group}/check).
 */
import { ADDRESS_HINT, parseAddress } from '../../../api/src/domain/catalog/lookup.ts'
import type { CheckResult, GroupCheck } from '../../../api/src/domain/passthrough/schemas.ts'
import { PlannerElement, copyButton, define, type Check, type PlannerCall } from './base.ts'
import { oneOf, slug } from './checks.ts'
import { append, field, h, option, replace } from './dom.ts'
import { proxmoxText } from './proxmox-text.ts'

interface NodeSummary {
  id: string
  name: string
}
interface GroupListing {
  id: number
  members: { address: string | null; label: string; role: string }[]
}

const VERDICTS = {
  clean: ['Clean', 'v-ok'],
  shared: ['Shared', 'v-warn'],
  'needs-check': ['Needs a check', 'v-warn'],
  blocked: ['Blocked', 'v-bad'],
} as const
const SEVERITY_TONE = { block: 'v-bad', error: 'v-bad', warn: 'v-warn', info: 'v-ok' } as const
/** A check the catalog cannot decide is neither good nor bad news: neutral, whatever its severity. */
const UNKNOWN_TONE = 'v-unknown'

/** The API's own address parser (lookup.ts, a few hundred bytes): what it rejects, so does the widget. */
const pci: Check = (v) => (parseAddress(v) ? null : ADDRESS_HINT)
/** The group path parameter: ^\d{1,6}$ (GroupParamsSchema). */
const groupNumber: Check = (v) => (/^\d{1,6}$/.test(v) ? null : 'expected an IOMMU group number such as 31')

/** The group holding a device (every function of a slot for "0e:00"), as the API's devicesAt matches. */
function groupOf(groups: GroupListing[], address: string): GroupListing | undefined {
  const query = parseAddress(address)
  if (!query) return undefined
  const wanted = query.fn === null ? `${query.slot}.` : `${query.slot}.${query.fn}`
  return groups.find((g) =>
    g.members.some(
      (m) => m.address !== null && (query.fn === null ? m.address.startsWith(wanted) : m.address === wanted),
    ),
  )
}

export class PassthroughCheck extends PlannerElement {
  protected readonly heading = 'IOMMU group passthrough check'
  protected readonly checks: Record<string, Check> = { node: slug, group: groupNumber, device: pci }
  private nodeSelect = h('select', { name: 'node' })
  private groupSelect = h('select', { name: 'group', required: true })

  protected async setup(): Promise<void> {
    const nodes = await this.list<NodeSummary>('/api/v1/nodes')
    this.checks.node = (v) => slug(v) ?? oneOf(nodes.map((n) => n.id))(v)
    const node = this.preset('node', nodes[0]?.id ?? '')
    append(
      this.nodeSelect,
      nodes.map((n) => option(n.id, n.name, n.id === node)),
    )
    const groups = await this.loadGroups(this.nodeSelect.value)
    // The device, when given, names the group (its address is easier to find than a group number).
    this.checks.device = (v) =>
      pci(v) ?? (groupOf(groups, v) ? null : `no device at this address on ${this.nodeSelect.value}`)
    const device = this.preset('device', '')
    const wanted = device ? String(groupOf(groups, device)?.id) : this.preset('group', '')
    if (wanted) this.groupSelect.value = wanted
    append(this.form, [
      field('Node', this.nodeSelect),
      field('IOMMU group', this.groupSelect, 'Listed with the devices each group holds'),
      h('button', { type: 'submit' }, 'Check'),
    ])
  }

  private async loadGroups(node: string): Promise<GroupListing[]> {
    const groups = await this.list<GroupListing>(`/api/v1/nodes/${encodeURIComponent(node)}/iommu-groups`)
    this.checks.group = (v) => groupNumber(v) ?? oneOf(groups.map((g) => String(g.id)))(v)
    const sorted = [...groups].sort((a, b) => a.id - b.id)
    replace(
      this.groupSelect,
      ...sorted.map((g) =>
        option(String(g.id), `${g.id}: ${g.members.map((m) => m.label).join(', ') || 'no devices listed'}`),
      ),
    )
    // The GPU's group first: what most people want to pass through.
    const gpu = sorted.find((g) => g.members.some((m) => m.role === 'gpu'))
    if (gpu) this.groupSelect.value = String(gpu.id)
    return groups
  }

  protected override async changed(control: EventTarget | null): Promise<void> {
    if (control === this.nodeSelect) await this.loadGroups(this.nodeSelect.value)
    await this.update()
  }

  protected plan(v: Record<string, string>): PlannerCall {
    return {
      path: `/api/v1/nodes/${encodeURIComponent(v.node ?? '')}/iommu-groups/${encodeURIComponent(v.group ?? '')}/check`,
    }
  }

  protected render(answer: unknown): void {
    const a = answer as GroupCheck
    const [verdict, tone] = VERDICTS[a.verdict]
    const open = a.checks.filter((c) => c.status !== 'pass')
    const config = proxmoxText(a.proxmox)
    replace(
      this.results,
      h(
        'div',
        { class: 'head' },
        h('strong', {}, `Group ${a.group} on ${a.node}`),
        h('span', { class: `verdict ${tone}`, 'data-field': 'verdict', 'data-value': a.verdict }, verdict),
      ),
      h('p', { 'data-field': 'summary' }, a.summary),
      membersTable(a),
      a.hostLoses.length
        ? h(
            'p',
            { class: 'note', 'data-field': 'hostLoses' },
            'The host gives up: ',
            a.hostLoses
              .map((d) => `${d.label}${d.hostUse.length ? ` (${d.hostUse.join(', ')})` : ''}`)
              .join('; '),
          )
        : null,
      h(
        'p',
        { class: 'note', 'data-field': 'checks', 'data-value': a.checks.length },
        `${a.checks.length - open.length} of ${a.checks.length} checks pass${open.length ? '; to look at:' : '.'}`,
      ),
      open.length ? h('ul', { class: 'notes' }, ...open.map((c) => checkItem(c, this.apiOrigin()))) : null,
      h('strong', {}, 'Proxmox config'),
      config
        ? h(
            'div',
            {},
            h('pre', { tabindex: 0, 'aria-label': 'Proxmox config', 'data-field': 'config' }, config),
            copyButton(() => config, 'Copy config'),
          )
        : h('p', { class: 'note', 'data-field': 'config' }, 'No config: fix the blocking checks first.'),
    )
  }
}

/** In its own scrolling box: on a phone the four columns may be wider than the page. */
function membersTable(a: GroupCheck): HTMLElement {
  return h(
    'div',
    { class: 'table-scroll', role: 'region', 'aria-label': 'Group members', tabindex: 0 },
    h(
      'table',
      { 'data-field': 'members', 'data-value': a.members.length },
      h('caption', { class: 'sr' }, `Members of IOMMU group ${a.group}`),
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          h('th', { scope: 'col' }, 'Address'),
          h('th', { scope: 'col' }, 'Device'),
          h('th', { scope: 'col' }, 'Goes as'),
          h('th', { scope: 'col' }, 'Host driver'),
        ),
      ),
      h(
        'tbody',
        {},
        ...a.members.map((m) =>
          h(
            'tr',
            {},
            h('td', {}, m.address ?? '—'),
            h('td', {}, m.label, m.hostCritical ? h('span', { class: 'v-bad' }, ' (host needs it)') : null),
            h('td', {}, m.role),
            h('td', {}, m.hostDriver ?? '—'),
          ),
        ),
      ),
    ),
  )
}

/** `C19 · network-in-use`, linked to the rule's page on the API's server. */
function checkItem(c: CheckResult, origin: string): HTMLElement {
  return h(
    'li',
    { 'data-check': c.id },
    h(
      'span',
      { class: c.status === 'unknown' ? UNKNOWN_TONE : SEVERITY_TONE[c.severity] },
      `${c.status === 'unknown' ? 'unknown' : c.severity}: `,
    ),
    h(
      'a',
      { href: new URL(c.docsUrl, origin).href, target: '_blank', rel: 'noopener' },
      `${c.id} · ${c.name}`,
    ),
    ` ${c.title}. ${c.message}`,
    c.command ? h('code', {}, ` ${c.command}`) : null,
  )
}

define('passthrough-check', PassthroughCheck)
