import qrcode from 'qrcode-generator'
import { useMemo } from 'react'

/** A QR code drawn as SVG, so participants can join by pointing a phone at the projector. */
export function QrCode({ text, size = 220, label }: { text: string; size?: number; label: string }) {
  const { count, path } = useMemo(() => {
    const qr = qrcode(0, 'M')
    qr.addData(text)
    qr.make()
    const n = qr.getModuleCount()
    let d = ''
    for (let row = 0; row < n; row++) for (let col = 0; col < n; col++) if (qr.isDark(row, col)) d += `M${col} ${row}h1v1h-1z`
    return { count: n, path: d }
  }, [text])
  return (
    <svg className="fab-qr" role="img" aria-label={label} width={size} height={size} viewBox={`-2 -2 ${count + 4} ${count + 4}`} shapeRendering="crispEdges" data-testid="qr-code">
      <rect x={-2} y={-2} width={count + 4} height={count + 4} fill="#fff" />
      <path d={path} fill="#000" />
    </svg>
  )
}
