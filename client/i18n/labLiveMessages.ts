/** UI text of the live lab page, per-board invitations and one-tap joining, French first. */
export const labLiveFr = {
  'labLive.live': 'En direct',
  'error.code.events.tooMany': 'Trop de pages de ce labo sont ouvertes depuis ce réseau. La page réessaiera toute seule dans un instant.',
}

export const labLiveEn: Record<keyof typeof labLiveFr, string> = {
  'labLive.live': 'Live',
  'error.code.events.tooMany': 'Too many pages of this lab are open from this network. The page will try again by itself in a moment.',
}
