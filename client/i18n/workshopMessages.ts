/** UI text of the facilitator's workshop toolkit (timer, votes, agenda, follow, private rounds, reactions), French first. */
export const workshopFr = {
  'workshop.tools': 'Outils d’animation',
}

export const workshopEn: Record<keyof typeof workshopFr, string> = {
  'workshop.tools': 'Facilitation tools',
}
