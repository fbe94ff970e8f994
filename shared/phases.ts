/** The four phases of a social innovation lab, in order. */
export const PHASES = ['detection', 'emergence', 'experimentation', 'deploiement'] as const
export type Phase = (typeof PHASES)[number]

/** Text in both UI languages. French first. */
export interface Bilingual {
  fr: string
  en: string
}

/** One activity of the method (the seed's verbs). */
export interface ActivityInfo {
  id: string
  phase: Phase
  label: Bilingual
}

/** One phase of the method: its name, duration and objective. */
export interface PhaseInfo {
  id: Phase
  label: Bilingual
  duration: Bilingual
  objective: Bilingual
}

export const PHASE_INFO: Record<Phase, PhaseInfo> = {
  detection: {
    id: 'detection',
    label: { fr: 'Détection', en: 'Detection' },
    duration: { fr: 'Avant le lancement', en: 'Before launch' },
    objective: {
      fr: 'Repérer une thématique porteuse d’enjeux sociétaux majeurs.',
      en: 'Spot a theme with major societal stakes.',
    },
  },
  emergence: {
    id: 'emergence',
    label: { fr: 'Émergence', en: 'Emergence' },
    duration: { fr: '1 an', en: '1 year' },
    objective: {
      fr: 'Analyser les enjeux et les besoins de la problématique, co-concevoir des réponses nouvelles et durables.',
      en: 'Analyse the stakes and needs of the problem, co-design new and lasting answers.',
    },
  },
  experimentation: {
    id: 'experimentation',
    label: { fr: 'Expérimentation', en: 'Experimentation' },
    duration: { fr: '2 ans', en: '2 years' },
    objective: {
      fr: 'Tester les expérimentations avec un cadre, des moyens dédiés et une évaluation spécifique.',
      en: 'Test the experiments with a frame, dedicated means and a specific evaluation.',
    },
  },
  deploiement: {
    id: 'deploiement',
    label: { fr: 'Déploiement', en: 'Deployment' },
    duration: { fr: '1 à 2 ans', en: '1 to 2 years' },
    objective: {
      fr: 'Construire les conditions de la pérennisation et du changement d’échelle de la dynamique d’innovation sociale.',
      en: 'Build the conditions for the lasting life and the scaling of the social-innovation dynamic.',
    },
  },
}

/** The fifteen activities of the method, in the order of the journey. */
export const ACTIVITIES: readonly ActivityInfo[] = [
  { id: 'detecter', phase: 'detection', label: { fr: 'Détecter des problématiques sociétales', en: 'Detect societal problems' } },
  { id: 'mobiliser', phase: 'detection', label: { fr: 'Mobiliser les acteurs de l’écosystème', en: 'Mobilise the ecosystem’s actors' } },
  { id: 'explorer', phase: 'emergence', label: { fr: 'Explorer la problématique en adoptant une vision systémique', en: 'Explore the problem with a systemic view' } },
  { id: 'co-construire', phase: 'emergence', label: { fr: 'Co-construire une stratégie collective et des actions à expérimenter', en: 'Co-construct a collective strategy and actions to experiment' } },
  { id: 'structurer', phase: 'experimentation', label: { fr: 'Structurer les expérimentations', en: 'Structure the experiments' } },
  { id: 'tester', phase: 'experimentation', label: { fr: 'Tester les expérimentations par itération', en: 'Test the experiments by iteration' } },
  { id: 'gouvernance', phase: 'experimentation', label: { fr: 'Définir les modalités de gouvernance', en: 'Define the governance' } },
  { id: 'maturite', phase: 'experimentation', label: { fr: 'Nourrir la maturité coopérative du collectif', en: 'Nurture the collective’s cooperative maturity' } },
  { id: 'financements', phase: 'experimentation', label: { fr: 'Construire la stratégie de financements', en: 'Build the funding strategy' } },
  { id: 'evaluer', phase: 'experimentation', label: { fr: 'Évaluer', en: 'Evaluate' } },
  { id: 'capitaliser', phase: 'deploiement', label: { fr: 'Capitaliser et valoriser les dynamiques de changement produites', en: 'Capitalise and value the change dynamics produced' } },
  { id: 'consolider', phase: 'deploiement', label: { fr: 'Consolider les expérimentations', en: 'Consolidate the experiments' } },
  { id: 'deployer', phase: 'deploiement', label: { fr: 'Identifier et mettre en œuvre les modalités de déploiement', en: 'Identify and implement the ways to deploy' } },
  { id: 'influence', phase: 'deploiement', label: { fr: 'Piloter une stratégie d’influence', en: 'Steer an influence strategy' } },
  { id: 'diffuser', phase: 'deploiement', label: { fr: 'Diffuser, transmettre et valoriser les apprentissages', en: 'Spread, pass on and value the learnings' } },
]

export function isPhase(value: unknown): value is Phase {
  return typeof value === 'string' && (PHASES as readonly string[]).includes(value)
}
