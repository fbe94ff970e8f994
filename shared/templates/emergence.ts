import { bi } from './bilingual'
import { ROOM, type TemplateArrow, type TemplateDefinition, type TemplateText, type TemplateZone } from './types'

/** Phase 2 — Émergence: explore the problem as a system, then co-construct answers. */

// ---------------------------------------------------------------------------------------------
// Modèle de l'iceberg: four bands, the waterline under the first; on the left, the level of action.

const BAND_X = 360
const BAND_W = 1840
const BAND_H = 240
const ICEBERG_BANDS = [
  { key: 'events', y: 190, color: 'light-blue', label: bi('Événements', 'Events'), prompt: bi('Que vient-il de se passer ? Que voit-on ?', 'What just happened? What do we see?'), verb: bi('Réagir', 'React'), hint: bi('au coup par coup', 'case by case') },
  {
    key: 'patterns',
    y: 470,
    color: 'blue',
    label: bi('Tendances et récurrences', 'Patterns and trends'),
    prompt: bi('Qu’est-ce qui se répète ? Quelles évolutions dans le temps ?', 'What keeps happening? What trends over time?'),
    verb: bi('Anticiper', 'Anticipate'),
    hint: bi('voir venir', 'see it coming'),
  },
  {
    key: 'structures',
    y: 730,
    color: 'violet',
    label: bi('Structures', 'Structures'),
    prompt: bi('Qu’est-ce qui produit ces tendances ?\nRègles, organisations, relations entre les acteurs', 'What drives these patterns?\nRules, organisations, relations between the parts'),
    verb: bi('Concevoir', 'Design'),
    hint: bi('changer les règles', 'change the rules'),
  },
  {
    key: 'mental-models',
    y: 990,
    color: 'light-violet',
    label: bi('Modèles mentaux', 'Mental models'),
    prompt: bi('Quelles croyances, valeurs ou hypothèses\nmaintiennent le système en place ?', 'Which assumptions, values and beliefs\nkeep the system in place?'),
    verb: bi('Transformer', 'Transform'),
    hint: bi('changer les regards', 'shift the mindsets'),
  },
] as const

const iceberg: TemplateDefinition = {
  id: 'iceberg',
  phase: 'emergence',
  activities: ['explorer'],
  title: bi("Modèle de l'iceberg", 'Iceberg model'),
  description: bi(
    'Partez de ce qui se voit, puis descendez sous la ligne de flottaison : tendances, structures, modèles mentaux. Plus on descend, plus le levier d’action est puissant.',
    'Start from what can be seen, then go below the waterline: patterns, structures, mental models. The deeper you go, the stronger the leverage.',
  ),
  width: 2200,
  height: 1240,
  zones: ICEBERG_BANDS.map(
    (band): TemplateZone => ({
      key: band.key,
      shape: 'rectangle',
      x: BAND_X,
      y: band.y,
      w: BAND_W,
      h: BAND_H,
      label: band.label,
      prompt: band.prompt,
      color: band.color,
      textWidth: 700,
    }),
  ),
  arrows: [
    {
      key: 'ligne-de-flottaison',
      from: { x: BAND_X, y: 450 },
      to: { x: BAND_X + BAND_W, y: 450 },
      heads: 'none',
      color: 'blue',
      size: 'l',
      dash: 'dashed',
      label: bi('Ligne de flottaison', 'Waterline'),
      labelPosition: 0.86,
    },
    { key: 'axe-action', from: { x: 30, y: 200 }, to: { x: 30, y: 1225 }, color: 'grey', size: 'l' },
  ],
  texts: ICEBERG_BANDS.flatMap((band): TemplateText[] => [
    { key: `action-${band.key}`, x: 60, y: band.y + BAND_H / 2 - 42, w: 280, text: band.verb, size: 'l', bold: true },
    { key: `action-${band.key}-detail`, x: 60, y: band.y + BAND_H / 2 + 12, w: 280, text: band.hint, size: 'm' },
  ]),
  notes: [
    { key: 'exemple-evenement', x: 1200, y: 210, text: bi('Une épicerie solidaire ferme faute de bénévoles', 'A community grocery closes for lack of volunteers'), color: 'yellow', zone: 'events' },
    { key: 'exemple-modele', x: 1200, y: 1010, text: bi('« Aider, c’est l’affaire des associations »', '“Helping is the charities’ job”'), color: 'yellow', zone: 'mental-models' },
  ],
}

// ---------------------------------------------------------------------------------------------
// Boucles de rétroaction: the group's diagram, a legend, and a worked example with R1 and B1.

const VAR_W = 300
const VAR_H = 110
const variable = (key: string, x: number, y: number, label: ReturnType<typeof bi>): TemplateZone => ({
  key,
  shape: 'rectangle',
  x,
  y,
  w: VAR_W,
  h: VAR_H,
  parent: 'exemple',
  label,
  color: 'black',
  fill: 'semi',
  labelSize: 'm',
  textAlign: 'middle',
  textVerticalAlign: 'middle',
  room: ROOM.none,
})

const link = (key: string, from: TemplateArrow['from'], to: TemplateArrow['to'], sign: '+' | '−'): TemplateArrow => ({
  key,
  from,
  to,
  size: 'l',
  color: sign === '+' ? 'green' : 'red',
})

/** The sign of a link, written large beside its arrow (arrow labels are too small to read). */
const sign = (key: string, x: number, y: number, s: '+' | '−'): TemplateText => ({
  key,
  x,
  y,
  w: 50,
  text: { fr: s, en: s },
  size: 'xl',
  bold: true,
  align: 'middle',
  within: 'exemple',
  color: s === '+' ? 'green' : 'red',
})

const legend = (key: string, y: number, fr: string, en: string): TemplateText => ({ key, x: 1470, y, w: 910, text: bi(fr, en), size: 'm', within: 'legende' })

const bouclesRetroaction: TemplateDefinition = {
  id: 'boucles-retroaction',
  phase: 'emergence',
  activities: ['explorer'],
  title: bi('Boucles de rétroaction', 'Causal loop diagram'),
  description: bi(
    'Reliez les variables du problème par des flèches causales, repérez les boucles qui s’emballent ou se stabilisent, puis cherchez où agir.',
    'Link the problem’s variables with causal arrows, spot the loops that run away or settle down, then look for where to act.',
  ),
  width: 2400,
  height: 1350,
  zones: [
    {
      key: 'diagramme',
      shape: 'rectangle',
      x: 0,
      y: 180,
      w: 1420,
      h: 780,
      label: bi('Notre diagramme', 'Our diagram'),
      prompt: bi(
        'Des variables en noms (« confiance », « nombre de bénévoles »),\ndes flèches + ou −, des boucles numérotées et nommées.',
        'Variables as nouns (“trust”, “number of volunteers”),\narrows marked + or −, loops numbered and named.',
      ),
      color: 'light-blue',
    },
    {
      key: 'recit',
      shape: 'rectangle',
      x: 0,
      y: 980,
      w: 700,
      h: 360,
      label: bi('Récit', 'Narrative'),
      prompt: bi('Racontez en quelques phrases\nl’histoire que dit le diagramme.', 'Tell in a few sentences\nthe story the diagram tells.'),
      color: 'yellow',
    },
    {
      key: 'leviers',
      shape: 'rectangle',
      x: 720,
      y: 980,
      w: 700,
      h: 360,
      label: bi('Leviers', 'Leverage points'),
      prompt: bi('Où une petite action changerait-elle beaucoup ?', 'Where would a small action change a lot?'),
      color: 'light-green',
    },
    {
      key: 'legende',
      shape: 'rectangle',
      x: 1450,
      y: 180,
      w: 950,
      h: 330,
      label: bi('Légende', 'Legend'),
      color: 'grey',
      room: ROOM.none,
    },
    {
      key: 'exemple',
      shape: 'rectangle',
      x: 1450,
      y: 530,
      w: 950,
      h: 810,
      label: bi('Exemple : la coopération', 'Example: cooperation'),
      color: 'light-violet',
      room: ROOM.none,
    },
    variable('exemple-confiance', 1490, 650, bi('Confiance', 'Trust')),
    variable('exemple-projets', 2070, 650, bi('Projets communs', 'Joint projects')),
    variable('exemple-resultats', 1490, 1000, bi('Résultats visibles', 'Visible results')),
    variable('exemple-charge', 2070, 1000, bi('Charge de coordination', 'Coordination load')),
  ],
  arrows: [
    link('exemple-confiance-projets', { zone: 'exemple-confiance', side: 'right' }, { zone: 'exemple-projets', side: 'left' }, '+'),
    link('exemple-projets-resultats', { x: 2080, y: 770 }, { x: 1780, y: 990 }, '+'),
    link('exemple-resultats-confiance', { x: 1560, y: 990 }, { x: 1560, y: 770 }, '+'),
    link('exemple-projets-charge', { x: 2160, y: 770 }, { x: 2160, y: 990 }, '+'),
    link('exemple-charge-projets', { x: 2340, y: 990 }, { x: 2340, y: 770 }, '−'),
  ],
  texts: [
    legend('legende-plus', 262, '+  même sens : quand A augmente, B augmente aussi', '+  same direction: when A rises, B rises too'),
    legend('legende-moins', 306, '−  sens opposé : quand A augmente, B diminue', '−  opposite direction: when A rises, B falls'),
    legend('legende-r', 350, 'R  boucle de renforcement : l’effet s’amplifie', 'R  reinforcing loop: the effect amplifies'),
    legend('legende-b', 394, 'B  boucle d’équilibrage : le système se stabilise', 'B  balancing loop: the system steadies'),
    sign('signe-confiance-projets', 1905, 630, '+'),
    sign('signe-projets-resultats', 1955, 885, '+'),
    sign('signe-resultats-confiance', 1495, 850, '+'),
    sign('signe-projets-charge', 2100, 850, '+'),
    sign('signe-charge-projets', 2345, 850, '−'),
    { key: 'exemple-r1', x: 1640, y: 820, w: 120, text: bi('R1', 'R1'), size: 'l', bold: true, align: 'middle', within: 'exemple', color: 'green' },
    { key: 'exemple-b1', x: 2200, y: 856, w: 100, text: bi('B1', 'B1'), size: 'l', bold: true, align: 'middle', within: 'exemple', color: 'red' },
    {
      key: 'exemple-noms',
      x: 1470,
      y: 1150,
      w: 910,
      text: bi('R1 : la confiance nourrit la coopération.\nB1 : la coordination freine quand tout grossit.', 'R1: trust feeds cooperation.\nB1: coordination slows things down as they grow.'),
      size: 'm',
      within: 'exemple',
    },
  ],
}

// ---------------------------------------------------------------------------------------------
// Conditions du changement systémique: three bands, six conditions as cells.

const SC_CELL_X = 440
const SC_CELLS_W = 1845
const cells = (band: string, y: number, items: { key: string; label: ReturnType<typeof bi>; prompt: ReturnType<typeof bi> }[], color: TemplateZone['color']): TemplateZone[] => {
  const w = (SC_CELLS_W - 15 * (items.length - 1)) / items.length
  return items.map((item, i) => ({ ...item, shape: 'rectangle', x: SC_CELL_X + i * (w + 15), y: y + 15, w, h: 330, parent: band, color, fill: 'semi' }))
}

const conditionsChangementSystemique: TemplateDefinition = {
  id: 'conditions-changement-systemique',
  phase: 'emergence',
  activities: ['explorer', 'co-construire'],
  title: bi('Conditions du changement systémique', 'Conditions of systems change'),
  description: bi(
    'Six conditions tiennent un problème en place, des plus visibles aux plus profondes. Pour chacune, notez ce qui bloque aujourd’hui et ce qui pourrait bouger.',
    'Six conditions hold a problem in place, from the most visible to the deepest. For each, note what blocks today and what could shift.',
  ),
  width: 2300,
  height: 1310,
  zones: [
    {
      key: 'structurel',
      shape: 'rectangle',
      x: 0,
      y: 180,
      w: 2300,
      h: 360,
      label: bi('Changement\nstructurel', 'Structural\nchange'),
      prompt: bi('Explicite :\nce qui est écrit et visible', 'Explicit:\nwhat is written and visible'),
      color: 'light-blue',
      textWidth: 400,
    },
    ...cells(
      'structurel',
      180,
      [
        { key: 'politiques', label: bi('Politiques', 'Policies'), prompt: bi('Règles, lois, priorités', 'Rules, laws, priorities') },
        { key: 'pratiques', label: bi('Pratiques', 'Practices'), prompt: bi('Façons de faire des organisations', 'How organisations work') },
        { key: 'flux-ressources', label: bi('Flux de ressources', 'Resource flows'), prompt: bi('Argent, personnes, savoirs, information', 'Money, people, knowledge, information') },
      ],
      'blue',
    ),
    {
      key: 'relationnel',
      shape: 'rectangle',
      x: 0,
      y: 560,
      w: 2300,
      h: 360,
      label: bi('Changement\nrelationnel', 'Relational\nchange'),
      prompt: bi('Semi-explicite :\nles relations entre acteurs', 'Semi-explicit:\nwhat happens between actors'),
      color: 'light-green',
      textWidth: 400,
    },
    ...cells(
      'relationnel',
      560,
      [
        { key: 'relations', label: bi('Relations et connexions', 'Relationships and connections'), prompt: bi('Qui se parle, qui se fait confiance ?', 'Who talks to whom, who trusts whom?') },
        { key: 'pouvoir', label: bi('Dynamiques de pouvoir', 'Power dynamics'), prompt: bi('Qui décide, qui influence, qui est tenu à l’écart ?', 'Who decides, who influences, who is left out?') },
      ],
      'green',
    ),
    {
      key: 'transformatif',
      shape: 'rectangle',
      x: 0,
      y: 940,
      w: 2300,
      h: 360,
      label: bi('Changement\ntransformatif', 'Transformative\nchange'),
      prompt: bi('Implicite :\nce qui se passe dans les têtes', 'Implicit:\nwhat goes on in people’s minds'),
      color: 'light-violet',
      textWidth: 400,
    },
    ...cells(
      'transformatif',
      940,
      [{ key: 'modeles-mentaux', label: bi('Modèles mentaux', 'Mental models'), prompt: bi('Croyances, valeurs, manières de voir profondément ancrées', 'Deeply held beliefs, values and ways of seeing') }],
      'violet',
    ),
  ],
}

// ---------------------------------------------------------------------------------------------

const tableauCoConstruction: TemplateDefinition = {
  id: 'tableau-co-construction',
  phase: 'emergence',
  activities: ['co-construire'],
  title: bi('Tableau de co-construction', 'Co-construction board'),
  description: bi(
    'De la question aux idées retenues : on formule le défi, on produit des idées, on les regroupe en silence, on vote, on retient.',
    'From the question to the chosen ideas: frame the challenge, generate ideas, cluster them in silence, vote, choose.',
  ),
  width: 2400,
  height: 1350,
  zones: [
    {
      key: 'question',
      shape: 'rectangle',
      x: 0,
      y: 180,
      w: 2400,
      h: 200,
      label: bi('Comment pourrions-nous … afin de … ?', 'How might we … so that … ?'),
      prompt: bi('Reformulez le défi en une question ouverte, ni trop large ni trop étroite.', 'Reword the challenge as an open question, neither too broad nor too narrow.'),
      color: 'yellow',
      room: ROOM.word,
    },
    {
      key: 'idees',
      shape: 'rectangle',
      x: 0,
      y: 400,
      w: 700,
      h: 940,
      label: bi('Idées', 'Ideas'),
      prompt: bi('Une idée par note. La quantité d’abord, sans juger.', 'One idea per note. Quantity first, no judging.'),
      color: 'light-blue',
    },
    {
      key: 'familles',
      shape: 'rectangle',
      x: 720,
      y: 400,
      w: 840,
      h: 940,
      label: bi('Familles', 'Clusters'),
      prompt: bi(
        'Regroupez en silence les idées qui se ressemblent,\npuis donnez un titre à chaque famille.',
        'Silently group the ideas that belong together,\nthen give each cluster a title.',
      ),
      color: 'light-green',
    },
    {
      key: 'inclassables',
      shape: 'rectangle',
      x: 1200,
      y: 980,
      w: 340,
      h: 340,
      parent: 'familles',
      label: bi('Inclassables', 'Outliers'),
      prompt: bi('Les idées qui ne rentrent nulle part', 'Ideas that fit nowhere'),
      color: 'green',
      fill: 'semi',
      dash: 'dashed',
      labelSize: 'm',
    },
    {
      key: 'vote',
      shape: 'rectangle',
      x: 1580,
      y: 400,
      w: 820,
      h: 440,
      label: bi('Vote', 'Vote'),
      prompt: bi(
        'Trois gommettes par personne, sur les idées des familles. Variante : notez chaque idée Nouveau · Utile · Faisable, de 0 à 10.',
        'Three dots each, on the ideas in the clusters. Variant: score each idea New · Useful · Feasible, from 0 to 10.',
      ),
      color: 'orange',
    },
    {
      key: 'retenues',
      shape: 'rectangle',
      x: 1580,
      y: 860,
      w: 820,
      h: 480,
      label: bi('Idées retenues', 'Chosen ideas'),
      prompt: bi('Celles que nous allons expérimenter, chacune avec un porteur', 'The ones we will try out, each with an owner'),
      color: 'light-red',
    },
  ],
  notes: [
    { key: 'exemple-idee-1', x: 40, y: 590, text: bi('Une cantine partagée entre l’école et l’Ehpad', 'A canteen shared by the school and the care home'), color: 'yellow', zone: 'idees' },
    { key: 'exemple-idee-2', x: 280, y: 830, text: bi('Des jardins partagés au pied des immeubles', 'Shared gardens at the foot of the buildings'), color: 'yellow', zone: 'idees' },
  ],
}

// ---------------------------------------------------------------------------------------------
// Théorie du changement: left to right, then the assumptions and conditions underneath.

const TOC_TOP = 180
const TOC_H = 620
const tocColumn = (key: string, x: number, w: number, label: ReturnType<typeof bi>, prompt: ReturnType<typeof bi>, color: TemplateZone['color']): TemplateZone => ({
  key,
  shape: 'rectangle',
  x,
  y: TOC_TOP,
  w,
  h: TOC_H,
  label,
  prompt,
  color,
})
const horizon = (key: string, x: number, label: ReturnType<typeof bi>, prompt: ReturnType<typeof bi>): TemplateZone => ({
  key,
  shape: 'rectangle',
  x,
  y: 300,
  w: 290,
  h: 485,
  parent: 'changements',
  label,
  prompt,
  color: 'green',
  fill: 'semi',
  labelSize: 'm',
})
const step = (key: string, from: string, to: string): TemplateArrow => ({
  key,
  from: { zone: from, side: 'right', gap: 6 },
  to: { zone: to, side: 'left', gap: 6 },
  size: 'l',
  color: 'black',
})

const theorieChangement: TemplateDefinition = {
  id: 'theorie-changement',
  phase: 'emergence',
  activities: ['co-construire'],
  title: bi('Théorie du changement', 'Theory of change'),
  description: bi(
    'Racontez, de gauche à droite, comment nos actions mènent à la vision, et notez dessous ce qui doit être vrai pour que chaque flèche tienne.',
    'Tell, from left to right, how our actions lead to the vision, and note underneath what must be true for each arrow to hold.',
  ),
  width: 2400,
  height: 1330,
  zones: [
    tocColumn('probleme', 0, 300, bi('Problème', 'Problem'), bi('Quelle situation\nveut-on changer ?', 'What situation\nneeds to change?'), 'light-red'),
    tocColumn('publics', 360, 300, bi('Publics visés', 'Target publics'), bi('Pour qui ?\nAvec qui ?', 'For whom?\nWith whom?'), 'orange'),
    tocColumn('actions', 720, 380, bi('Moyens et actions', 'Means and actions'), bi('Que faisons-nous,\navec quelles ressources ?', 'What do we do,\nwith what resources?'), 'yellow'),
    tocColumn('changements', 1160, 920, bi('Changements attendus', 'Expected changes'), bi('Ce qui change, pour qui, et quand', 'What changes, for whom, and when'), 'light-green'),
    horizon('court-terme', 1173, bi('Court terme', 'Short term'), bi('D’ici un an :\nconnaissances, liens', 'Within a year:\nknowledge, ties')),
    horizon('moyen-terme', 1475, bi('Moyen terme', 'Medium term'), bi('Pratiques et\ncomportements', 'Practices and\nbehaviours')),
    horizon('long-terme', 1777, bi('Long terme', 'Long term'), bi('Conditions de vie,\ninstitutions', 'Living conditions,\ninstitutions')),
    tocColumn('vision', 2140, 260, bi('Vision', 'Vision'), bi('Le territoire\nque nous voulons\nvoir advenir', 'The territory\nwe want to see\ncome about'), 'light-blue'),
    {
      key: 'hypotheses',
      shape: 'rectangle',
      x: 0,
      y: 820,
      w: 2400,
      h: 240,
      label: bi('Hypothèses', 'Assumptions'),
      prompt: bi('Qu’est-ce qui doit être vrai pour que chaque flèche tienne ?', 'What must be true for each arrow to hold?'),
      color: 'light-violet',
      textWidth: 1100,
    },
    {
      key: 'conditions',
      shape: 'rectangle',
      x: 0,
      y: 1080,
      w: 2400,
      h: 240,
      label: bi('Conditions de réussite', 'Conditions of success'),
      prompt: bi('Ce qu’il faut réunir autour de nous : alliés, moyens, règles, calendrier', 'What we need around us: allies, means, rules, timing'),
      color: 'grey',
      textWidth: 1100,
    },
  ],
  arrows: [
    step('probleme-publics', 'probleme', 'publics'),
    step('publics-actions', 'publics', 'actions'),
    step('actions-changements', 'actions', 'changements'),
    step('changements-vision', 'changements', 'vision'),
  ],
}

/** The Émergence templates, in the order of the journey. */
export const EMERGENCE_TEMPLATES: readonly TemplateDefinition[] = [iceberg, bouclesRetroaction, conditionsChangementSystemique, tableauCoConstruction, theorieChangement]
