/**
 * What a TypeScript client sees: types generated from openapi/openapi.json by openapi-typescript
 * with its DEFAULT options (defaultNonNullable on, no flags), then `tsc --strict` over every
 * request example, every README request body and every response example assigned to them. A
 * default that made a request field required, or a response field the server always sends
 * left optional-looking, or an undeclared field, fails here.
 */
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import openapiTS, { astToString } from 'openapi-typescript'
import { expect, it } from 'vitest'
import { requestExample } from '../../scripts/openapi-examples.ts'
import { readmeCurls } from '../readme-curls.ts'

type Doc = Parameters<typeof requestExample>[0]

const HELPERS = `import type { paths } from './api.ts'
type Body<P extends keyof paths, M extends keyof paths[P]> =
  paths[P][M] extends { requestBody?: { content: { 'application/json': infer B } } } ? B : never
type Ok<P extends keyof paths, M extends keyof paths[P]> =
  paths[P][M] extends { responses: { 200: { content: { 'application/json': infer R } } } } ? R : never
`

/** The document's path template a concrete README path falls under. */
function templateOf(doc: Doc, path: string): string | undefined {
  const bare = path.split('?')[0]!
  return Object.keys(doc.paths).find((t) => new RegExp(`^${t.replaceAll(/\{\w+\}/g, '[^/]+')}$`).test(bare))
}

it('openapi-typescript types (default options) accept every example and README body under tsc --strict', async () => {
  const doc = JSON.parse(readFileSync('openapi/openapi.json', 'utf8')) as Doc
  const lines: string[] = [HELPERS]
  let n = 0
  const operations = Object.entries(doc.paths).flatMap(([path, ops]) =>
    Object.entries(ops).map(([method, op]) => ({ path, method, op: op })),
  )
  for (const { path, method, op } of operations) {
    const body = requestExample(doc, op)
    if (body !== undefined)
      lines.push(`export const request${n++}: Body<'${path}', '${method}'> = ${JSON.stringify(body)}`)
    const example = op.responses['200']?.content?.['application/json']?.example
    if (example !== undefined)
      lines.push(`export const response${n++}: Ok<'${path}', '${method}'> = ${JSON.stringify(example)}`)
  }
  // Bodies the README shows being refused (`422: …`) are wrong on purpose.
  const readmeBodies = readmeCurls().filter(
    (c) => c.body?.trimStart().startsWith('{') && !/^4\d\d:/.test(c.shown[0] ?? ''),
  )
  expect(readmeBodies.length).toBeGreaterThanOrEqual(5)
  for (const curl of readmeBodies) {
    const template = templateOf(doc, curl.path)
    expect(template, curl.command).toBeDefined()
    lines.push(
      `// README: ${curl.method} ${curl.path}`,
      `export const readme${n++}: Body<'${template}', '${curl.method.toLowerCase()}'> = ${curl.body}`,
    )
  }

  const dir = mkdtempSync(join(tmpdir(), 'hp-openapi-ts-'))
  try {
    writeFileSync(
      join(dir, 'api.ts'),
      astToString(await openapiTS(doc as unknown as Parameters<typeof openapiTS>[0])),
    )
    writeFileSync(join(dir, 'examples.ts'), lines.join('\n'))
    const tsc = resolve('node_modules/typescript/bin/tsc')
    const args = [
      tsc,
      '--strict',
      '--noEmit',
      '--target',
      'es2022',
      '--module',
      'esnext',
      '--moduleResolution',
      'bundler',
      '--allowImportingTsExtensions',
      '--skipLibCheck',
      join(dir, 'examples.ts'),
    ]
    let output = ''
    try {
      execFileSync(process.execPath, args, { encoding: 'utf8' })
    } catch (err) {
      output = String((err as { stdout?: string }).stdout ?? err)
    }
    expect(output).toBe('')
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}, 120_000)
