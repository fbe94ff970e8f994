import type { Lang } from '../../shared/lang'
import { HEADER_HEIGHT, type TemplateColor, type TemplateDefinition } from '../../shared/templates/types'
import { arrowEndPoint } from '../../shared/templates/layout'

/** tldraw's palette, as stroke and light fill, for drawing previews without tldraw. */
const COLORS: Record<TemplateColor, { stroke: string; fill: string }> = {
  black: { stroke: '#1d1d1d', fill: '#e8e8e8' },
  grey: { stroke: '#9fa8b2', fill: '#eceef0' },
  'light-violet': { stroke: '#e085f4', fill: '#f5eafa' },
  violet: { stroke: '#ae3ec9', fill: '#ecdcf2' },
  blue: { stroke: '#4465e9', fill: '#dce1f8' },
  'light-blue': { stroke: '#4ba1f1', fill: '#ddedfa' },
  yellow: { stroke: '#f1ac4b', fill: '#f9f0e6' },
  orange: { stroke: '#e16919', fill: '#f8e2d4' },
  green: { stroke: '#099268', fill: '#d3e9e3' },
  'light-green': { stroke: '#4cb05e', fill: '#dbf0e0' },
  'light-red': { stroke: '#f87777', fill: '#f4dadb' },
  red: { stroke: '#e03131', fill: '#f4dadb' },
  white: { stroke: '#cccccc', fill: '#ffffff' },
}

/** A schematic drawing of a template (zones, labels, arrows, example notes) for the picker. */
export function TemplatePreview({ def, lang }: { def: TemplateDefinition; lang: Lang }) {
  // The header (title, description) is shown as text beside the preview; draw the layout only.
  const top = Math.min(HEADER_HEIGHT, ...def.zones.map((z) => z.y))
  const height = def.height - top
  return (
    <svg className="fab-template-preview" viewBox={`0 ${top} ${def.width} ${height}`} role="img" aria-label={def.title[lang]} preserveAspectRatio="xMidYMid meet">
      {def.zones.map((zone) => {
        const color = COLORS[zone.color]
        const common = { fill: color.fill, stroke: color.stroke, strokeWidth: 4 }
        return zone.shape === 'ellipse' ? (
          <ellipse key={zone.key} cx={zone.x + zone.w / 2} cy={zone.y + zone.h / 2} rx={zone.w / 2} ry={zone.h / 2} {...common} />
        ) : (
          <rect key={zone.key} x={zone.x} y={zone.y} width={zone.w} height={zone.h} rx={12} {...common} />
        )
      })}
      {def.zones.map((zone) => {
        const box = zone.textBox ?? { x: zone.shape === 'ellipse' ? zone.x + zone.w / 2 : zone.x + 20, y: zone.y + 20, w: zone.w - 40, align: zone.shape === 'ellipse' ? 'middle' : 'start' }
        const anchor = box.align === 'middle' ? 'middle' : box.align === 'end' ? 'end' : 'start'
        const x = box.align === 'middle' && !zone.textBox ? box.x : box.align === 'middle' ? box.x + box.w / 2 : box.align === 'end' ? box.x + box.w : box.x
        // Labels are clipped to their zone: a thumbnail cannot wrap text the way the board does.
        const clipId = `fab-clip-${def.id}-${zone.key}`
        return (
          <g key={`${zone.key}-label`} clipPath={`url(#${clipId})`}>
            <clipPath id={clipId}>
              <rect x={zone.x + 8} y={zone.y} width={Math.max(zone.w - 16, 0)} height={zone.h} />
            </clipPath>
            <text x={x} y={box.y + 40} fontSize={zone.labelSize === 'm' ? 30 : 40} fontWeight={700} fill="#1d2b36" textAnchor={anchor}>
              {zone.label[lang]}
            </text>
          </g>
        )
      })}
      {(def.arrows ?? []).map((arrow) => {
        const from = arrowEndPoint(def, arrow.from)
        const to = arrowEndPoint(def, arrow.to)
        return <line key={arrow.key} x1={from.x} y1={from.y} x2={to.x} y2={to.y} stroke={COLORS[arrow.color ?? 'black'].stroke} strokeWidth={5} strokeDasharray={arrow.dash === 'dashed' ? '16 12' : undefined} />
      })}
      {(def.notes ?? []).map((note) => (
        <rect key={note.key} x={note.x} y={note.y} width={200} height={200} fill={COLORS[note.color].fill} stroke={COLORS[note.color].stroke} strokeWidth={3} />
      ))}
    </svg>
  )
}
