/**
 * Prints the closing line CI reads: `N passed, N failed, N skipped`. Vitest's own summary
 * has another form.
 */
import type { Reporter, TestModule } from 'vitest/node'

export default class SummaryReporter implements Reporter {
  onTestRunEnd(modules: ReadonlyArray<TestModule>) {
    const counts = { passed: 0, failed: 0, skipped: 0 }
    for (const module of modules) {
      const before = counts.failed
      for (const test of module.children.allTests()) {
        const state = test.result().state
        if (state === 'passed') counts.passed++
        else if (state === 'failed') counts.failed++
        else counts.skipped++
      }
      // A file that fails to load, or whose beforeAll throws (its tests then count as skipped),
      // is a failure all the same.
      if (module.state() === 'failed' && counts.failed === before) counts.failed++
    }
    console.log(`\n${counts.passed} passed, ${counts.failed} failed, ${counts.skipped} skipped`)
  }
}
