/** UI text of the live lab page, per-board invitations and one-tap joining, French first. */
export const labLiveFr = {
  'labLive.live': 'En direct',
}

export const labLiveEn: Record<keyof typeof labLiveFr, string> = {
  'labLive.live': 'Live',
}
