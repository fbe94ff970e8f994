import type { MessageKey } from '../../i18n/messages'
import type { ReactElement } from 'react'
import type { Reaction } from '../../../shared/workshop/reactions'

/**
 * The six reactions drawn as small pictures: emoji fonts are missing from many projectors',
 * kiosks' and Linux machines' systems, where an emoji shows as an empty box.
 */
const INK = '#3b2f1e'
const YELLOW = '#fcc419'

const GLYPHS: Record<Reaction, ReactElement> = {
  '👍': (
    <>
      <path d="M3.5 11h3.5v10.5H3.5z" fill="#4dabf7" stroke={INK} strokeWidth={1.3} strokeLinejoin="round" />
      <path d="M7 11l3.6-7.4a1.9 1.9 0 0 1 3.5 1.3L13.3 10h5.6a2 2 0 0 1 2 2.4l-1.5 7.4a2 2 0 0 1-2 1.7H7z" fill={YELLOW} stroke={INK} strokeWidth={1.3} strokeLinejoin="round" />
    </>
  ),
  '❤️': <path d="M12 21s-8.5-5.3-8.5-11.2A4.7 4.7 0 0 1 12 7a4.7 4.7 0 0 1 8.5 2.8C20.5 15.7 12 21 12 21z" fill="#fa5252" stroke="#a61e1e" strokeWidth={1.2} strokeLinejoin="round" />,
  '😂': (
    <>
      <circle cx="12" cy="12" r="9.5" fill={YELLOW} stroke={INK} strokeWidth={1.2} />
      <path d="M6.8 9.6q1.6-1.8 3.2 0M14 9.6q1.6-1.8 3.2 0" fill="none" stroke={INK} strokeWidth={1.4} strokeLinecap="round" />
      <path d="M6.8 13h10.4a5.2 5.2 0 0 1-10.4 0z" fill={INK} />
      <path d="M4 11.5q-1.8 2.4 0 3.4 1.8-1 0-3.4zM20 11.5q-1.8 2.4 0 3.4 1.8-1 0-3.4z" fill="#4dabf7" />
    </>
  ),
  '🎉': (
    <>
      <path d="M3 21l4.6-12.6 8 8z" fill="#ff922b" stroke={INK} strokeWidth={1.2} strokeLinejoin="round" />
      <path d="M5.4 14.6l4 4M6.6 11.2l6.2 6.2" stroke="#fff3bf" strokeWidth={1.2} />
      <path d="M13 3.5l.6 2.4M19.5 4.5l-2 1.6M20.5 11l-2.4-.4M15.5 8.5q2-3 4.5-1.5" fill="none" stroke="#7048e8" strokeWidth={1.6} strokeLinecap="round" />
      <circle cx="10.5" cy="4.5" r="1.1" fill="#12b886" />
      <circle cx="19" cy="15" r="1.1" fill="#f06595" />
      <circle cx="16.5" cy="2.5" r="0.9" fill="#fa5252" />
    </>
  ),
  '❓': (
    <>
      <path d="M8.4 8.6a3.7 3.7 0 1 1 5.6 3.2c-1.3.8-2 1.6-2 3v.6" fill="none" stroke="#e03131" strokeWidth={3} strokeLinecap="round" />
      <circle cx="12" cy="19.6" r="1.9" fill="#e03131" />
    </>
  ),
  '👏': (
    <>
      <rect x="5.5" y="7" width="7" height="14" rx="3.5" transform="rotate(-22 9 14)" fill={YELLOW} stroke={INK} strokeWidth={1.2} />
      <rect x="10.5" y="7.5" width="7" height="14" rx="3.5" transform="rotate(14 14 14.5)" fill="#ffd43b" stroke={INK} strokeWidth={1.2} />
      <path d="M12.5 2.5v2.2M16.8 3.4l-1.2 1.9M8.2 3.4l1.2 1.9" stroke="#f08c00" strokeWidth={1.5} strokeLinecap="round" />
    </>
  ),
}

/** Each reaction's name, said to screen readers and shown on hover. */
export const REACTION_NAMES: Record<Reaction, MessageKey> = {
  '👍': 'react.name.thumbs',
  '❤️': 'react.name.heart',
  '😂': 'react.name.laugh',
  '🎉': 'react.name.party',
  '❓': 'react.name.question',
  '👏': 'react.name.clap',
}

export function ReactionGlyph({ emoji, size = 28 }: { emoji: Reaction; size?: number }) {
  return (
    <svg className="fab-reaction-glyph" width={size} height={size} viewBox="0 0 24 24" aria-hidden="true">
      {GLYPHS[emoji]}
    </svg>
  )
}
