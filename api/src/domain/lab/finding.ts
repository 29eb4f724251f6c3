/** One finding, its message given as phrases (joined with spaces) so long messages stay readable in code. */
import type { Finding } from './answer-schemas.ts'

export function finding(
  severity: Finding['severity'],
  source: Finding['source'],
  pointer: string,
  message: string | readonly string[],
  command: string | null = null,
): Finding {
  return {
    severity,
    source,
    pointer,
    message: typeof message === 'string' ? message : message.join(' '),
    command,
  }
}
