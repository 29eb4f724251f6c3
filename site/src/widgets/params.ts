/**
 * Widget attribute ↔ query parameter of its /embed/<widget> page, one map read both ways:
 * embed.ts turns the page's query string into attributes, base.ts names a bad preset the way
 * the page's URL spells it. The parameters are the documented ones (README: `sizeGB`,
 * `contextLength`), so no name is derived by a case rule that could drift from them.
 */
export const QUERY_PARAMS: Readonly<Record<string, string>> = {
  node: 'node',
  model: 'model',
  quantization: 'quantization',
  runtime: 'runtime',
  'context-length': 'contextLength',
  group: 'group',
  device: 'device',
  purpose: 'purpose',
  'size-gb': 'sizeGB',
  theme: 'theme',
}

/** Values the API matches without regard to case (node ids: MERAXES = meraxes), lowercased here too. */
const CASE_INSENSITIVE = new Set(['node'])

export function normalizedValue(attribute: string, value: string): string {
  return CASE_INSENSITIVE.has(attribute) ? value.toLowerCase() : value
}

/** The widget palette: light, dark, or auto (the reader's system setting, the default). */
export const THEMES = ['light', 'dark', 'auto'] as const

/** The query parameter that presets an attribute (the attribute itself for one not in the map). */
export function queryParamOf(attribute: string): string {
  return Object.hasOwn(QUERY_PARAMS, attribute) ? QUERY_PARAMS[attribute]! : attribute
}

/** The attribute a query parameter presets, or null for a parameter no widget reads. */
export function attributeOf(param: string): string | null {
  return Object.keys(QUERY_PARAMS).find((attribute) => QUERY_PARAMS[attribute] === param) ?? null
}
