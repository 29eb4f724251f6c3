/**
 * Lighthouse (its default mobile run: emulated phone, simulated slow 4G and CPU) on the pages
 * issue #17 names, against the running worker, with Debian's Chromium. Every category must
 * score at least LIGHTHOUSE_MIN_SCORE; the scores go into bench/results.json.
 */
import * as chromeLauncher from 'chrome-launcher'
import lighthouse from 'lighthouse'

export const LIGHTHOUSE_PAGES = ['/', '/nodes/meraxes/', '/ai-placement/', '/widgets/']
export const LIGHTHOUSE_MIN_SCORE = 95
const CATEGORIES = ['performance', 'accessibility', 'best-practices', 'seo']

export interface PageScores {
  page: string
  scores: Record<string, number>
  /** Audits that kept a category below 100, for the report. */
  misses: string[]
}

export async function lighthouseScores(base: string, step: (line: string) => void): Promise<PageScores[]> {
  const chrome = await chromeLauncher.launch({
    chromePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    chromeFlags: [
      '--headless=new',
      '--no-sandbox',
      '--disable-gpu',
      '--no-first-run',
      '--disable-background-networking',
    ],
  })
  try {
    const out: PageScores[] = []
    for (const page of LIGHTHOUSE_PAGES) {
      const result = await lighthouse(`${base}${page}`, {
        port: chrome.port,
        logLevel: 'error',
        onlyCategories: CATEGORIES,
      })
      const lhr = result?.lhr
      if (!lhr) throw new Error(`lighthouse gave no result for ${page}`)
      const scores = Object.fromEntries(
        CATEGORIES.map((c) => [c, Math.round((lhr.categories[c]?.score ?? 0) * 100)]),
      )
      const misses = Object.values(lhr.audits)
        .filter(
          (a) =>
            a.score !== null &&
            a.score < 1 &&
            a.scoreDisplayMode !== 'informative' &&
            a.scoreDisplayMode !== 'notApplicable',
        )
        .map((a) => a.id)
      out.push({ page, scores, misses })
      step(`  lighthouse ${page}: ${CATEGORIES.map((c) => `${c} ${scores[c]}`).join(', ')}`)
    }
    return out
  } finally {
    chrome.kill()
  }
}
