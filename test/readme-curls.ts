/**
 * The `curl` commands of README.md, read the way a shell would (line continuations, quoted
 * multi-line bodies), with the `# …` lines written under each as its shown output. Used by the
 * tests that run every README example and type-check every README request body.
 */
import { readFileSync } from 'node:fs'

export interface ReadmeCurl {
  /** The command as written, for test names. */
  command: string
  method: string
  /** Path and query, e.g. `/api/v1/devices?class=0300`. */
  path: string
  headers: Record<string, string>
  body: string | undefined
  /** The comment lines under the command, without `# `. */
  shown: string[]
}

export function readmeCurls(file = 'README.md'): ReadmeCurl[] {
  const blocks = [...readFileSync(file, 'utf8').matchAll(/```sh\n([\s\S]*?)```/g)].map((m) => m[1]!)
  return blocks.flatMap(curlsOf)
}

function curlsOf(block: string): ReadmeCurl[] {
  const lines = block.split('\n')
  const curls: ReadmeCurl[] = []
  for (let i = 0; i < lines.length; i++) {
    if (!lines[i]!.startsWith('curl ')) continue
    let text = lines[i]!
    // A command goes on while a line ends in `\` or a quote is still open.
    while ((text.endsWith('\\') || !balanced(text)) && i + 1 < lines.length)
      text = `${text.replace(/\\$/, '')}\n${lines[++i]}`
    const shown: string[] = []
    while (lines[i + 1]?.startsWith('#')) shown.push(lines[++i]!.replace(/^# ?/, ''))
    curls.push(parse(text, shown))
  }
  return curls
}

function balanced(text: string): boolean {
  let quote: string | null = null
  for (const ch of text) {
    if (quote) {
      if (ch === quote) quote = null
    } else if (ch === "'" || ch === '"') quote = ch
  }
  return quote === null
}

/** Shell words: single and double quotes (no expansion), backslash-newline already joined. */
function words(text: string): string[] {
  const out: string[] = []
  let word: string | null = null
  let quote: string | null = null
  for (const ch of text) {
    if (quote) {
      if (ch === quote) quote = null
      else word += ch
    } else if (ch === "'" || ch === '"') {
      quote = ch
      word ??= ''
    } else if (/\s/.test(ch)) {
      if (word !== null) out.push(word)
      word = null
    } else word = (word ?? '') + ch
  }
  if (word !== null) out.push(word)
  return out
}

function parse(command: string, shown: string[]): ReadmeCurl {
  // A pipe ends curl's arguments (`curl … | jq -r '.x' > file`).
  const all = words(command)
  const pipe = all.indexOf('|')
  const args = all.slice(1, pipe === -1 ? undefined : pipe)
  const headers: Record<string, string> = {}
  let method = 'GET'
  let body: string | undefined
  let url = ''
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!
    if (arg === '-X') method = args[++i]!
    else if (arg === '-H') {
      const [name, ...value] = args[++i]!.split(':')
      headers[name!.trim()] = value.join(':').trim()
    } else if (arg === '-d') {
      body = args[++i]!
      if (method === 'GET') method = 'POST'
    } else if (arg === '-I') method = 'HEAD'
    else if (!arg.startsWith('-')) url = arg
  }
  return {
    command,
    method,
    path: url.replace(/^(?:https?:\/\/)?127\.0\.0\.1:8787/, ''),
    headers,
    body,
    shown,
  }
}
