/** Line icons of board management (the shared icon set has none of these). */
const PATHS = {
  file: 'M14 3H6v18h12V7zM14 3v4h4M9 14h6M9 17h4',
  rename: 'M4 20l4-1 11-11-3-3L5 16l-1 4zM13 6l3 3',
  duplicate: 'M8 8h12v12H8zM4 16V4h12',
  move: 'M4 12h14M13 6l6 6-6 6',
  archive: 'M3 4h18v5H3zM5 9v11h14V9M10 13h4',
  unarchive: 'M3 4h18v5H3zM5 9v11h14V9M12 18v-6M9.5 14.5 12 12l2.5 2.5',
  delete: 'M4 7h16M9 7V4h6v3M6 7l1 13h10l1-13M10 11v6M14 11v6',
} as const

export type BoardsIconName = keyof typeof PATHS

export function BoardsIcon({ name, size = 16 }: { name: BoardsIconName; size?: number }) {
  return (
    <svg className="fab-icon" width={size} height={size} viewBox="0 0 24 24" fill="none" stroke="currentColor" strokeWidth={2} strokeLinecap="round" strokeLinejoin="round" aria-hidden="true">
      <path d={PATHS[name]} />
    </svg>
  )
}
