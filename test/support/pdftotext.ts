import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'

const TOOLS = ['pdftotext', 'pdfinfo', 'pdftoppm'] as const
type PopplerTool = (typeof TOOLS)[number]

/**
 * Finds poppler's command-line tools (`pdftotext`, `pdfinfo`, `pdftoppm`), which read the PDFs
 * Fabrique writes the way a person's viewer and search do. On a Debian machine where we are
 * root and they are missing, installs Debian's `poppler-utils`; elsewhere, says what to install.
 */
export function popplerTool(tool: PopplerTool): string {
  const where = `/usr/bin/${tool}`
  if (fs.existsSync(where)) return where
  const isRoot = process.getuid?.() === 0
  const isDebian = fs.existsSync('/usr/bin/apt-get') && fs.existsSync('/etc/debian_version')
  if (isRoot && isDebian) {
    process.stderr.write('poppler-utils is missing: installing Debian package "poppler-utils" (apt-get)…\n')
    execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit' })
    execFileSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', 'poppler-utils'], { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } })
    if (fs.existsSync(where)) return where
  }
  throw new Error(`PDF tests need ${tool}. Install poppler (Debian/Ubuntu: \`sudo apt-get install poppler-utils\`).`)
}

/** Writes `pdf` to a temporary file, runs `fn` on its path, removes it. */
function withPdfFile<T>(pdf: Buffer, fn: (file: string) => T): T {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fabrique-pdf-'))
  const file = path.join(dir, 'doc.pdf')
  fs.writeFileSync(file, pdf)
  try {
    return fn(file)
  } finally {
    fs.rmSync(dir, { recursive: true, force: true })
  }
}

/**
 * The text of a PDF as `pdftotext -raw` reads it (UTF-8), one string per page: in the order it
 * was written. (Its default reading-order mode guesses spaces from gaps and joins the words of a
 * short line — « 5 € » reads « 5€ » — whatever the font.)
 */
export function pdfPagesText(pdf: Buffer): string[] {
  return withPdfFile(pdf, (file) => {
    const text = execFileSync(popplerTool('pdftotext'), ['-raw', '-enc', 'UTF-8', file, '-'], { encoding: 'utf8' })
    // pdftotext ends every page with a form feed.
    return text.split('\f').slice(0, -1)
  })
}

/** `pdfinfo`'s fields (`Pages`, `Page size`, `Title`…). */
export function pdfInfo(pdf: Buffer): Record<string, string> {
  return withPdfFile(pdf, (file) => {
    const out = execFileSync(popplerTool('pdfinfo'), ['-enc', 'UTF-8', file], { encoding: 'utf8' })
    return Object.fromEntries(out.split('\n').filter((l) => l.includes(':')).map((l) => [l.slice(0, l.indexOf(':')).trim(), l.slice(l.indexOf(':') + 1).trim()]))
  })
}

/** Renders each page to a PNG in `dir` (`page-1.png`…) at `dpi`, for looking at them. */
export function pdfToPngs(pdf: Buffer, dir: string, dpi = 60): string[] {
  fs.mkdirSync(dir, { recursive: true })
  return withPdfFile(pdf, (file) => {
    execFileSync(popplerTool('pdftoppm'), ['-r', String(dpi), '-png', file, path.join(dir, 'page')])
    return fs.readdirSync(dir).filter((f) => f.startsWith('page') && f.endsWith('.png')).sort().map((f) => path.join(dir, f))
  })
}

/** Text with its whitespace (line breaks from wrapping included) collapsed to single spaces. */
export function squash(text: string): string {
  return text.replace(/\s+/g, ' ').trim()
}
