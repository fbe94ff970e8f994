// Prints "N passed, N failed" from a vitest JSON report (used by .ci/run).
import fs from 'node:fs'

const file = process.argv[2]
let report
try {
  report = JSON.parse(fs.readFileSync(file, 'utf8'))
} catch (err) {
  console.log(`no test report at ${file}: ${err.message}`)
  console.log('0 passed, 1 failed')
  process.exit(1)
}
const failedSuites = report.testResults.filter((r) => r.status === 'failed' && r.assertionResults.length === 0).length
const failed = report.numFailedTests + failedSuites
console.log(`${report.numPassedTests} passed, ${failed} failed`)
process.exit(failed > 0 ? 1 : 0)
