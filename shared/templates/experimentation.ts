import type { Bilingual } from '../phases'
import { bi } from './bilingual'
import { ROOM, type TemplateArrow, type TemplateDefinition, type TemplateZone } from './types'

/** Phase 3 — Expérimentation: frame, test, govern, fund and evaluate the experiments. */

interface Cell {
  key: string
  label: Bilingual
  prompt?: Bilingual
}

/** A horizontal guide line (rows of a grid drawn over column zones). */
const guide = (key: string, x1: number, x2: number, y: number): TemplateArrow => ({
  key,
  from: { x: x1, y },
  to: { x: x2, y },
  heads: 'none',
  color: 'grey',
  size: 's',
})

// ---------------------------------------------------------------------------------------------
// Carte de test & carte d'apprentissage (Strategyzer): one row of cards per iteration.

const CARD_W = 1170
const testCard = (x: number): TemplateZone[] => {
  const header: Cell[] = [
    { key: 'responsable', label: bi('Responsable', 'Owner') },
    { key: 'criticite', label: bi('Criticité', 'Criticality') },
    { key: 'cout', label: bi('Coût', 'Cost') },
    { key: 'fiabilite', label: bi('Fiabilité', 'Reliability') },
    { key: 'duree', label: bi('Durée', 'Duration') },
  ]
  const steps: Cell[] = [
    { key: 'hypothese', label: bi('1. Hypothèse', '1. Hypothesis'), prompt: bi('Nous croyons que…', 'We believe that…') },
    { key: 'test', label: bi('2. Test', '2. Test'), prompt: bi('Pour le vérifier, nous allons…', 'To verify that, we will…') },
    { key: 'mesure', label: bi('3. Mesure', '3. Metric'), prompt: bi('Et nous mesurerons…', 'And measure…') },
    { key: 'critere', label: bi('4. Critère', '4. Criterion'), prompt: bi('Nous avons raison si…', 'We are right if…') },
  ]
  return [
    ...header.map(
      (cell, i): TemplateZone => ({ ...cell, shape: 'rectangle', x: x + 15 + i * 230, y: 265, w: 220, h: 140, parent: 'carte-test', color: 'blue', fill: 'semi', labelSize: 'm', room: ROOM.word }),
    ),
    ...steps.map(
      (cell, i): TemplateZone => ({
        ...cell,
        shape: 'rectangle',
        x: x + 15 + (i % 2) * 575,
        y: i < 2 ? 420 : 880,
        w: 565,
        h: i < 2 ? 450 : 435,
        parent: 'carte-test',
        color: 'blue',
        fill: 'semi',
      }),
    ),
  ]
}

const learningCard = (x: number): TemplateZone[] => {
  const steps: Cell[] = [
    { key: 'pensions', label: bi('1. Hypothèse de départ', '1. Starting hypothesis'), prompt: bi('Nous pensions que…', 'We thought that…') },
    { key: 'observe', label: bi('2. Observation', '2. Observation'), prompt: bi('Nous avons observé…', 'We observed…') },
    { key: 'appris', label: bi('3. Apprentissage', '3. Learning'), prompt: bi('Nous en avons appris que…', 'From that we learned that…') },
    { key: 'suite', label: bi('4. Suite', '4. Next step'), prompt: bi('Donc nous allons…', 'Therefore, we will…') },
  ]
  const decisions: Cell[] = [
    { key: 'abandonner', label: bi('Abandonner', 'Drop') },
    { key: 'pivoter', label: bi('Pivoter', 'Pivot') },
    { key: 'perseverer', label: bi('Persévérer', 'Persevere') },
    { key: 'tester-encore', label: bi('Tester encore', 'Keep testing') },
  ]
  return [
    ...steps.map(
      (cell, i): TemplateZone => ({
        ...cell,
        shape: 'rectangle',
        x: x + 15 + (i % 2) * 575,
        y: i < 2 ? 265 : 700,
        w: 565,
        h: i < 2 ? 425 : 415,
        parent: 'carte-apprentissage',
        color: 'violet',
        fill: 'semi',
      }),
    ),
    {
      key: 'decision',
      shape: 'rectangle',
      x: x + 15,
      y: 1130,
      w: 1140,
      h: 185,
      parent: 'carte-apprentissage',
      label: bi('Décision', 'Decision'),
      color: 'violet',
      fill: 'semi',
      textWidth: 180,
      room: ROOM.none,
    },
    ...decisions.map(
      (cell, i): TemplateZone => ({
        ...cell,
        shape: 'rectangle',
        x: x + 225 + i * 232,
        y: 1142,
        w: 222,
        h: 161,
        parent: 'decision',
        color: 'violet',
        fill: 'solid',
        labelSize: 'm',
        room: ROOM.word,
      }),
    ),
  ]
}

const carteTest: TemplateDefinition = {
  id: 'carte-test-apprentissage',
  phase: 'experimentation',
  activities: ['structurer', 'tester'],
  title: bi('Carte de test & carte d’apprentissage', 'Test card & learning card'),
  description: bi(
    'Avant l’essai, la carte de test fixe l’hypothèse et le critère de réussite ; après, la carte d’apprentissage dit ce qu’on en tire. Une rangée de cartes par itération.',
    'Before the trial, the test card sets the hypothesis and the success criterion; afterwards, the learning card says what we take from it. One row of cards per iteration.',
  ),
  width: 2400,
  height: 1340,
  zones: [
    { key: 'carte-test', shape: 'rectangle', x: 0, y: 180, w: CARD_W, h: 1150, label: bi('Carte de test', 'Test card'), color: 'light-blue', room: ROOM.none },
    ...testCard(0),
    {
      key: 'carte-apprentissage',
      shape: 'rectangle',
      x: 1230,
      y: 180,
      w: CARD_W,
      h: 1150,
      label: bi('Carte d’apprentissage', 'Learning card'),
      color: 'light-violet',
      room: ROOM.none,
    },
    ...learningCard(1230),
  ],
  arrows: [{ key: 'test-vers-apprentissage', from: { zone: 'carte-test', side: 'right', gap: 8 }, to: { zone: 'carte-apprentissage', side: 'left', gap: 8 }, size: 'l', color: 'black' }],
}

// ---------------------------------------------------------------------------------------------
// Gouvernance: a RACI grid (columns, rows drawn as guides) and a cooperation charter.

const RACI_TOP = 300
const RACI_BOTTOM = 1335
const RACI_ROWS_TOP = 435
const RACI_ROW_H = (RACI_BOTTOM - 10 - RACI_ROWS_TOP) / 5
const raciColumn = (key: string, x: number, w: number, label: Bilingual): TemplateZone => ({
  key,
  shape: 'rectangle',
  x,
  y: RACI_TOP,
  w,
  h: RACI_BOTTOM - RACI_TOP,
  parent: 'raci',
  label,
  color: key === 'taches' ? 'grey' : 'blue',
  fill: 'semi',
  labelSize: 'm',
  room: ROOM.word,
})
const charterCell = (key: string, x: number, y: number, w: number, label: Bilingual, prompt: Bilingual): TemplateZone => ({
  key,
  shape: 'rectangle',
  x,
  y,
  w,
  h: 350,
  parent: 'charte',
  label,
  prompt,
  color: 'green',
  fill: 'semi',
})

const gouvernance: TemplateDefinition = {
  id: 'gouvernance',
  phase: 'experimentation',
  activities: ['gouvernance'],
  title: bi('Gouvernance', 'Governance'),
  description: bi(
    'À gauche, qui fait quoi pour chaque tâche ou décision (une lettre par case) ; à droite, la charte qui dit comment nous coopérons.',
    'On the left, who does what for each task or decision (one letter per cell); on the right, the charter that says how we cooperate.',
  ),
  width: 2400,
  height: 1360,
  zones: [
    {
      key: 'raci',
      shape: 'rectangle',
      x: 0,
      y: 180,
      w: 1440,
      h: 1170,
      label: bi('Matrice RACI', 'RACI matrix'),
      prompt: bi(
        'R réalise · A approuve (un seul A par ligne) · C est consulté · I est informé',
        'R does the work · A approves (exactly one A per row) · C is consulted · I is informed',
      ),
      color: 'light-blue',
    },
    raciColumn('taches', 15, 460, bi('Tâches et décisions', 'Tasks and decisions')),
    raciColumn('acteur-1', 485, 225, bi('Acteur 1', 'Actor 1')),
    raciColumn('acteur-2', 720, 225, bi('Acteur 2', 'Actor 2')),
    raciColumn('acteur-3', 955, 225, bi('Acteur 3', 'Actor 3')),
    raciColumn('acteur-4', 1190, 225, bi('Acteur 4', 'Actor 4')),
    { key: 'charte', shape: 'rectangle', x: 1470, y: 180, w: 930, h: 1170, label: bi('Charte de coopération', 'Cooperation charter'), color: 'light-green', room: ROOM.none },
    { ...charterCell('raison-etre', 1485, 265, 900, bi('Raison d’être', 'Purpose'), bi('Qu’est-ce qui nous rassemble ?', 'What brings us together?')) },
    charterCell('roles', 1485, 625, 445, bi('Rôles', 'Roles'), bi('Qui décide de quoi ?', 'Who decides what?')),
    charterCell('decisions', 1940, 625, 445, bi('Décisions', 'Decisions'), bi('Comment décidons-nous ?\nConsentement, vote, consensus…', 'How do we decide?\nConsent, vote, consensus…')),
    charterCell('desaccords', 1485, 985, 445, bi('Désaccords', 'Disagreements'), bi('Comment gérons-nous\nles conflits ?', 'How do we handle\nconflicts?')),
    charterCell('accueil', 1940, 985, 445, bi('Accueil', 'Welcoming'), bi('Comment accueillons-nous les nouveaux venus ?', 'How do we include newcomers?')),
  ],
  arrows: Array.from({ length: 5 }, (_, i) => guide(`ligne-${i + 1}`, 15, 1415, Math.round(RACI_ROWS_TOP + i * RACI_ROW_H))),
  notes: [{ key: 'exemple-charte', x: 1530, y: 390, text: bi('L’accès de tous à une alimentation digne', 'Decent food for everyone'), color: 'yellow', zone: 'raison-etre' }],
}

// ---------------------------------------------------------------------------------------------
// Maturité coopérative: five blocks (rows) × four levels (columns); one dot per person per block.

const LEVEL_TOP = 180
const LEVEL_X = 700
const LEVEL_W = 285
const LEVEL_GAP = 15
const LEVELS_RIGHT = LEVEL_X + 4 * LEVEL_W + 3 * LEVEL_GAP
const LEVEL_BOTTOM = 1330
const BLOCK_TOP = 345
const BLOCK_H = 189
const BLOCK_GAP = 10
const LEVELS: { key: string; label: Bilingual; prompt: Bilingual; color: TemplateZone['color'] }[] = [
  { key: 'niveau-1', label: bi('1 · Découverte', '1 · Discovery'), prompt: bi('On se connaît,\non échange', 'Getting to know\neach other'), color: 'yellow' },
  { key: 'niveau-2', label: bi('2 · Essais', '2 · Trials'), prompt: bi('Premières actions communes', 'First joint actions'), color: 'light-green' },
  { key: 'niveau-3', label: bi('3 · Structuration', '3 · Structuring'), prompt: bi('Des règles et des\nmoyens partagés', 'Shared rules\nand means'), color: 'green' },
  { key: 'niveau-4', label: bi('4 · Maturité', '4 · Maturity'), prompt: bi('Un collectif qui se pilote lui-même', 'A self-steering collective'), color: 'light-blue' },
]
const BLOCKS: Cell[] = [
  { key: 'raisons', label: bi('Raisons d’agir ensemble', 'Reasons for acting together'), prompt: bi('Pourquoi coopérons-nous ?\nQu’y gagne chacun, qu’y gagnons-nous ensemble ?', 'Why do we cooperate?\nWhat does each gain, what do we gain together?') },
  { key: 'actions', label: bi('Actions menées ensemble', 'Actions tried together'), prompt: bi('Quels types d’actions avons-nous\ndéjà tentés à plusieurs ?', 'What kinds of actions\nhave we already tried together?') },
  { key: 'flux', label: bi('Flux et dynamiques économiques', 'Economic flows and dynamics'), prompt: bi('Quels échanges d’argent, de moyens,\nde services entre nous ?', 'What exchanges of money, means,\nservices between us?') },
  { key: 'animation', label: bi('Animation et organisation', 'Animation and organisation'), prompt: bi('Qui anime ? Comment nous organisons-nous ?', 'Who leads? How do we organise?') },
  { key: 'vitalite', label: bi('Vitalité du processus coopératif', 'Vitality of the cooperative process'), prompt: bi('L’envie, la confiance, l’énergie sont-elles là ?', 'Are the will, the trust, the energy there?') },
]

const maturiteCooperative: TemplateDefinition = {
  id: 'maturite-cooperative',
  phase: 'experimentation',
  activities: ['maturite'],
  title: bi('Maturité coopérative', 'Cooperative maturity'),
  description: bi(
    'Autodiagnostic du collectif : pour chaque bloc, chacun place une gommette au niveau où il situe le groupe, puis on discute des écarts.',
    'The collective’s self-assessment: for each block, everyone puts a dot at the level where they see the group, then we discuss the gaps.',
  ),
  width: 2400,
  height: 1340,
  zones: [
    ...BLOCKS.map(
      (block, i): TemplateZone => ({ ...block, shape: 'rectangle', x: 0, y: BLOCK_TOP + i * (BLOCK_H + BLOCK_GAP), w: 680, h: BLOCK_H, color: 'light-violet', room: ROOM.none, labelSize: 'm' }),
    ),
    ...LEVELS.map(
      (level, i): TemplateZone => ({ ...level, shape: 'rectangle', x: LEVEL_X + i * (LEVEL_W + LEVEL_GAP), y: LEVEL_TOP, w: LEVEL_W, h: LEVEL_BOTTOM - LEVEL_TOP, labelSize: 'm', room: ROOM.word }),
    ),
    {
      key: 'discussion',
      shape: 'rectangle',
      x: LEVELS_RIGHT + 20,
      y: 180,
      w: 2400 - LEVELS_RIGHT - 20,
      h: 1150,
      label: bi('Ce que nous en retenons', 'What we take from it'),
      prompt: bi('Où nos regards se rejoignent-ils ?\nOù divergent-ils ?\nQuel prochain pas ?', 'Where do our views meet?\nWhere do they differ?\nWhat next step?'),
      color: 'orange',
    },
  ],
  arrows: Array.from({ length: 5 }, (_, i) => guide(`ligne-${i + 1}`, LEVEL_X, LEVELS_RIGHT, i === 0 ? BLOCK_TOP - BLOCK_GAP / 2 : BLOCK_TOP + i * (BLOCK_H + BLOCK_GAP) - BLOCK_GAP / 2)),
  texts: [
    {
      key: 'consigne',
      x: 0,
      y: 190,
      w: 660,
      text: bi('Une gommette par personne et par bloc, dans la colonne du niveau où vous situez le collectif.', 'One dot per person and per block, in the column of the level where you see the collective.'),
      size: 'm',
    },
  ],
}

// ---------------------------------------------------------------------------------------------
// Stratégie de financement (modèle socio-économique): three columns of three stacked cells (text
// on the left, notes on the right), and a calendar of asks.

const FUND_TOP = 180
const FUND_H = 850
const FUND_CELL_TOP = 300
const FUND_CELL_H = 228
const fundColumn = (key: string, x: number, label: Bilingual, prompt: Bilingual, color: TemplateZone['color']): TemplateZone => ({ key, shape: 'rectangle', x, y: FUND_TOP, w: 780, h: FUND_H, label, prompt, color })
const fundCells = (parent: string, x: number, items: Cell[], color: TemplateZone['color']): TemplateZone[] =>
  items.map((item, i) => ({
    ...item,
    shape: 'rectangle',
    x: x + 15,
    y: FUND_CELL_TOP + i * (FUND_CELL_H + 15),
    w: 750,
    h: FUND_CELL_H,
    parent,
    color,
    fill: 'semi',
    labelSize: 'm',
    textWidth: 380,
  }))
const CALENDAR_TOP = FUND_TOP + FUND_H + 20

const strategieFinancement: TemplateDefinition = {
  id: 'strategie-financement',
  phase: 'experimentation',
  activities: ['financements'],
  title: bi('Stratégie de financement', 'Funding strategy'),
  description: bi(
    'Le modèle socio-économique du projet : la richesse humaine, les ressources financières et les alliances qui le font vivre, puis le calendrier des demandes.',
    'The project’s socio-economic model: the human wealth, the financial resources and the alliances that keep it alive, then the calendar of funding asks.',
  ),
  width: 2400,
  height: 1350,
  zones: [
    fundColumn('richesse-humaine', 0, bi('Richesse humaine', 'Human wealth'), bi('Qui donne de son temps et de ses compétences ?', 'Who gives time and skills?'), 'light-green'),
    ...fundCells(
      'richesse-humaine',
      0,
      [
        { key: 'benevoles', label: bi('Bénévoles', 'Volunteers'), prompt: bi('Combien,\npour quelles missions ?', 'How many,\nfor which tasks?') },
        { key: 'salaries', label: bi('Salariés', 'Employees'), prompt: bi('Quels postes,\nfinancés comment ?', 'Which jobs,\nfunded how?') },
        { key: 'service-civique', label: bi('Service civique', 'Civic service'), prompt: bi('Quelles missions\npour les jeunes volontaires ?', 'Which tasks\nfor young volunteers?') },
      ],
      'green',
    ),
    fundColumn('ressources-financieres', 810, bi('Ressources financières', 'Financial resources'), bi('D’où vient l’argent, et pour combien de temps ?', 'Where does the money come from, and for how long?'), 'yellow'),
    ...fundCells(
      'ressources-financieres',
      810,
      [
        { key: 'public', label: bi('Public', 'Public'), prompt: bi('Subventions, marchés,\nappels à projets', 'Grants, contracts,\ncalls for projects') },
        { key: 'prive', label: bi('Privé', 'Private'), prompt: bi('Fondations, mécénat,\nfinance solidaire', 'Foundations, sponsorship,\nsocial finance') },
        { key: 'recettes', label: bi('Recettes d’activité', 'Earned income'), prompt: bi('Ventes, prestations,\ncotisations', 'Sales, services,\nmembership fees') },
      ],
      'orange',
    ),
    fundColumn('alliances', 1620, bi('Alliances', 'Alliances'), bi('Qui nous apporte réseau, lieux, compétences ou crédibilité ?', 'Who brings us networks, places, skills or credibility?'), 'light-blue'),
    ...fundCells(
      'alliances',
      1620,
      [
        { key: 'reseaux', label: bi('Réseaux et associations', 'Networks and associations'), prompt: bi('Qui nous relaie, nous conseille,\nnous ouvre des portes ?', 'Who spreads the word,\nadvises us, opens doors?') },
        { key: 'entreprises', label: bi('Entreprises', 'Companies'), prompt: bi('Quels apports en compétences,\nen matériel, en lieux ?', 'What skills, equipment\nor premises can they bring?') },
        { key: 'collectivites', label: bi('Collectivités', 'Local authorities'), prompt: bi('Au-delà des subventions :\nlieux, relais, légitimité ?', 'Beyond grants: premises,\noutreach, legitimacy?') },
      ],
      'blue',
    ),
    {
      key: 'calendrier',
      shape: 'rectangle',
      x: 0,
      y: CALENDAR_TOP,
      w: 2400,
      h: 290,
      label: bi('Calendrier\ndes demandes', 'Calendar of\nfunding asks'),
      prompt: bi('Qui demande quoi, à qui,\npour quand ?', 'Who asks whom\nfor what, by when?'),
      color: 'light-violet',
      textWidth: 300,
    },
    ...Array.from(
      { length: 6 },
      (_, i): TemplateZone => ({
        key: `semestre-${i + 1}`,
        shape: 'rectangle',
        x: 340 + i * 340,
        y: CALENDAR_TOP + 12,
        w: 330,
        h: 266,
        parent: 'calendrier',
        label: bi(`Semestre ${i + 1}`, `Semester ${i + 1}`),
        color: 'violet',
        fill: 'semi',
        labelSize: 'm',
      }),
    ),
  ],
  notes: [{ key: 'exemple-alliance', x: 2050, y: FUND_CELL_TOP + 2 * (FUND_CELL_H + 15) + 14, text: bi('La mairie prête une salle chaque semaine', 'The town hall lends a room every week'), color: 'yellow', zone: 'collectivites' }],
}

// ---------------------------------------------------------------------------------------------
// Matrice d'évaluation: six columns, one row per evaluation question, and the developmental stance.

const EVAL_COL_W = 390
const EVAL_ROWS_TOP = 410
const EVAL_ROW_H = 203
const evalColumn = (i: number, key: string, label: Bilingual, prompt: Bilingual): TemplateZone => ({
  key,
  shape: 'rectangle',
  x: i * (EVAL_COL_W + 12),
  y: 180,
  w: EVAL_COL_W,
  h: 850,
  label,
  prompt,
  color: i === 0 ? 'light-red' : 'light-blue',
  // A narrower margin than the default, so that every header holds on one line.
  textBox: { x: i * (EVAL_COL_W + 12) + 14, y: 200, w: EVAL_COL_W - 28 },
})

const matriceEvaluation: TemplateDefinition = {
  id: 'matrice-evaluation',
  phase: 'experimentation',
  activities: ['evaluer', 'structurer'],
  title: bi('Matrice d’évaluation', 'Evaluation matrix'),
  description: bi(
    'Une ligne par question évaluative : comment on jugera, ce qu’on observera, où et comment on collectera, qui s’en charge et quand. Les résultats reviennent au collectif en continu.',
    'One row per evaluation question: how we will judge, what we will observe, where and how we will collect it, who does it and when. Findings come back to the collective continuously.',
  ),
  width: 2400,
  height: 1300,
  zones: [
    evalColumn(0, 'question', bi('Question évaluative', 'Evaluation question'), bi('Que voulons-nous savoir ?', 'What do we want to know?')),
    evalColumn(1, 'criteres', bi('Critères', 'Criteria'), bi('À quoi jugerons-nous\nla réussite ?', 'How will we judge success?')),
    evalColumn(2, 'indicateurs', bi('Indicateurs', 'Indicators'), bi('Quels signes observables, chiffrés ou non ?', 'Which observable signs, in numbers or not?')),
    evalColumn(3, 'sources', bi('Sources de données', 'Data sources'), bi('Où trouver l’information ?', 'Where is the information?')),
    evalColumn(4, 'methode', bi('Méthode de collecte', 'Collection method'), bi('Entretiens, questionnaires, observation, ateliers…', 'Interviews, surveys, observation, workshops…')),
    evalColumn(5, 'qui-quand', bi('Qui et quand ?', 'Who and when?'), bi('Qui collecte, à quel rythme ?', 'Who collects, how often?')),
    {
      key: 'evaluation-evolutive',
      shape: 'rectangle',
      x: 0,
      y: 1050,
      w: 2400,
      h: 240,
      label: bi('Évaluation évolutive', 'Developmental evaluation'),
      prompt: bi('Quand et comment partageons-nous ce que nous apprenons, pour ajuster en continu ?', 'When and how do we share what we learn, to adjust as we go?'),
      color: 'light-green',
      textWidth: 1200,
    },
  ],
  arrows: Array.from({ length: 3 }, (_, i) => guide(`ligne-${i + 1}`, 0, 2400, EVAL_ROWS_TOP + i * EVAL_ROW_H)),
  notes: [
    { key: 'exemple-question', x: 95, y: 413, text: bi('Les familles accèdent-elles mieux à l’aide ?', 'Do families get help more easily?'), color: 'yellow', zone: 'question' },
    { key: 'exemple-indicateur', x: 899, y: 413, text: bi('Nombre de familles accompagnées', 'Number of families supported'), color: 'yellow', zone: 'indicateurs' },
  ],
}

/** The Expérimentation templates, in the order of the journey. */
export const EXPERIMENTATION_TEMPLATES: readonly TemplateDefinition[] = [carteTest, gouvernance, maturiteCooperative, strategieFinancement, matriceEvaluation]
