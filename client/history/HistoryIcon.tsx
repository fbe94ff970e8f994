/** Line icons of the history (the shared icon set has no clock or bin). */
const PATHS = {
  history: 'M3 12a9 9 0 1 0 3-6.7M3 4v4h4M12 7v5l3 2',
  bin: 'M4 7h16M9 7V4h6v3M6 7l1 13h10l1-13M10 11v6M14 11v6',
  back: 'M15 6l-6 6 6 6',
  restore: 'M4 12a8 8 0 1 0 2.3-5.7M4 4v4h4',
  eye: 'M2 12s3.5-7 10-7 10 7 10 7-3.5 7-10 7S2 12 2 12zM12 9a3 3 0 1 0 0 6 3 3 0 0 0 0-6z',
} as const

export type HistoryIconName = keyof typeof PATHS

export function HistoryIcon({ name, size = 16 }: { name: HistoryIconName; size?: number }) {
  return (
    <svg className="fab-icon" width={size} height={size} viewBox="0 0 24 24" fill="none" stroke="currentColor" strokeWidth={2} strokeLinecap="round" strokeLinejoin="round" aria-hidden="true">
      <path d={PATHS[name]} />
    </svg>
  )
}
