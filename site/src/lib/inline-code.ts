/**
 * Text from the planners and the data marks commands with backticks (Markdown style). Pages
 * show those parts as <code> instead of printing the backticks: "run `lspci -nn`" → run, code.
 */
export interface TextPart {
  code: boolean
  text: string
}

export function inlineCode(text: string): TextPart[] {
  return text
    .split(/`([^`]+)`/)
    .map((part, i) => ({ code: i % 2 === 1, text: part }))
    .filter((p) => p.text !== '')
}
