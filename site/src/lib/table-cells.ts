/**
 * Puts each cell's column name on it (data-label), so a table can turn into one card per row
 * on a phone and still say what every value is. Works on the rendered rows of DataTable.astro:
 * Astro-generated, well-formed HTML without nested tables, so every <td>/<th> after a <tr>
 * is that row's next cell.
 */
import { escapeXml } from './format.ts'

export function labelCells(rowsHtml: string, columns: string[]): string {
  let index = 0
  return rowsHtml.replace(/<(tr|td|th)\b/g, (tag, name: string) => {
    if (name === 'tr') {
      index = 0
      return tag
    }
    const column = columns[index++]
    return column === undefined ? tag : `${tag} data-label="${escapeXml(column)}"`
  })
}
