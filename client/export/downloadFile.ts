/**
 * Hands a file to the browser as a download, named `fileName`. The object URL is released once
 * the browser has taken the file (a tick later: revoking at once can cancel the download).
 */
export function downloadFile(data: Blob | Uint8Array | string, fileName: string, type: string): void {
  const blob = data instanceof Blob ? data : new Blob([data as BlobPart], { type })
  const url = URL.createObjectURL(blob)
  const link = document.createElement('a')
  link.href = url
  link.download = fileName
  link.rel = 'noopener'
  link.style.display = 'none'
  document.body.append(link)
  link.click()
  link.remove()
  setTimeout(() => URL.revokeObjectURL(url), 60_000)
}
