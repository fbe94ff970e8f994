import type { Bilingual } from '../phases'
import { bi } from './bilingual'
import { ROOM, type TemplateArrow, type TemplateDefinition, type TemplateText, type TemplateZone } from './types'

/** Phase 4 — Déploiement: capitalise, scale, choose what to keep, influence, plan the roll-out. */

interface Cell {
  key: string
  label: Bilingual
  prompt?: Bilingual
}

// ---------------------------------------------------------------------------------------------
// Capitalisation: the capitalisation sheet and a 4L retrospective, then actions.

const sheetCell = (cell: Cell, col: number, row: number, color: TemplateZone['color'] = 'blue'): TemplateZone => ({
  ...cell,
  shape: 'rectangle',
  x: 15 + col * 575,
  y: 265 + row * 360,
  w: 565,
  h: 350,
  parent: 'fiche',
  color,
  fill: 'semi',
})
const retroCell = (cell: Cell, col: number, row: number): TemplateZone => ({
  ...cell,
  shape: 'rectangle',
  x: 1225 + col * 585,
  y: row === 0 ? 265 : 605,
  w: 575,
  h: row === 0 ? 330 : 320,
  parent: 'retro',
  color: 'green',
  fill: 'semi',
})

const capitalisation: TemplateDefinition = {
  id: 'capitalisation',
  phase: 'deploiement',
  activities: ['capitaliser', 'diffuser'],
  title: bi('Capitalisation', 'Lessons learned'),
  description: bi(
    'La fiche garde la mémoire de ce qui a fait réussir l’expérimentation ; la rétrospective 4L fait parler chacun, puis on vote et on décide des actions.',
    'The sheet keeps a record of what made the experiment work; the 4L retrospective gives everyone a voice, then we vote and decide on actions.',
  ),
  width: 2400,
  height: 1360,
  zones: [
    { key: 'fiche', shape: 'rectangle', x: 0, y: 180, w: 1180, h: 1170, label: bi('Fiche de capitalisation', 'Capitalisation sheet'), color: 'light-blue', room: ROOM.none },
    sheetCell({ key: 'moments-cles', label: bi('Moments clés', 'Key moments'), prompt: bi('Les étapes marquantes,\net comment nous les avons franchies', 'The milestones,\nand how we got through them') }, 0, 0),
    sheetCell({ key: 'fonctions-cles', label: bi('Fonctions clés', 'Key functions'), prompt: bi('Qui a tenu quels rôles ?', 'Who held which roles?') }, 1, 0),
    sheetCell({ key: 'competences', label: bi('Compétences', 'Skills'), prompt: bi('Quels savoir-faire avons-nous\nmobilisés ou acquis ?', 'Which skills did we use or gain?') }, 0, 1),
    sheetCell({ key: 'partenariats', label: bi('Partenariats', 'Partnerships'), prompt: bi('Quelles alliances ont compté, et pourquoi ?', 'Which alliances mattered, and why?') }, 1, 1),
    sheetCell({ key: 'usagers', label: bi('Implication des usagers', 'User involvement'), prompt: bi('Comment les personnes concernées ont-elles pris part ?', 'How did the people concerned take part?') }, 0, 2),
    sheetCell({ key: 'facteurs-cles', label: bi('Facteurs clés de succès', 'Key success factors'), prompt: bi('Ce qui a vraiment fait la différence', 'What really made the difference') }, 1, 2, 'red'),
    { key: 'retro', shape: 'rectangle', x: 1210, y: 180, w: 1190, h: 760, label: bi('Rétrospective 4L', '4L retrospective'), color: 'light-green', room: ROOM.none },
    retroCell({ key: 'aime', label: bi('Aimé', 'Liked'), prompt: bi('Ce qui nous a plu', 'What we enjoyed') }, 0, 0),
    retroCell({ key: 'appris', label: bi('Appris', 'Learned'), prompt: bi('Ce que nous avons découvert', 'What we discovered') }, 1, 0),
    retroCell({ key: 'manque', label: bi('Manqué', 'Lacked'), prompt: bi('Ce qui nous a fait défaut', 'What we were missing') }, 0, 1),
    retroCell({ key: 'souhaite', label: bi('Souhaité', 'Longed for'), prompt: bi('Ce que nous aurions aimé avoir', 'What we wished we had') }, 1, 1),
    {
      key: 'actions',
      shape: 'rectangle',
      x: 1210,
      y: 960,
      w: 1190,
      h: 390,
      label: bi('Actions', 'Actions'),
      prompt: bi('Après le vote : une action par note, chacune avec son porteur', 'After the vote: one action per note, each with its owner'),
      color: 'yellow',
    },
  ],
  notes: [{ key: 'exemple-action', x: 1250, y: 1110, text: bi('Écrire le guide d’essaimage — Léa', 'Write the spreading guide — Léa'), color: 'yellow', zone: 'actions' }],
}

// ---------------------------------------------------------------------------------------------
// Changement d'échelle: three directions (Moore, Riddell & Vocisano), five strategies (Avise).

const axisCells = (parent: string, y: number, h: number, items: Cell[], color: TemplateZone['color']): TemplateZone[] => {
  const w = (2370 - 10 * (items.length - 1)) / items.length
  return items.map((item, i) => ({ ...item, shape: 'rectangle', x: 15 + i * (w + 10), y, w, h, parent, color, fill: 'semi' }))
}

const changementEchelle: TemplateDefinition = {
  id: 'changement-echelle',
  phase: 'deploiement',
  activities: ['deployer', 'consolider'],
  title: bi('Changement d’échelle', 'Scaling strategy'),
  description: bi(
    'Choisissez comment l’impact peut grandir (plus loin, plus haut, plus profond) et par quelle stratégie chaque expérimentation peut essaimer.',
    'Choose how the impact can grow (out, up, deep) and through which strategy each experiment can spread.',
  ),
  width: 2400,
  height: 1300,
  zones: [
    {
      key: 'directions',
      shape: 'rectangle',
      x: 0,
      y: 180,
      w: 2400,
      h: 550,
      label: bi('Trois directions pour grandir', 'Three directions to grow'),
      prompt: bi('Où notre impact peut-il s’étendre : plus loin, plus haut, plus profond ?', 'Where can our impact reach: out, up, deep?'),
      color: 'light-blue',
    },
    ...axisCells(
      'directions',
      300,
      415,
      [
        { key: 'scaling-out', label: bi('Essaimer (scaling out)', 'Scaling out'), prompt: bi('Toucher plus de personnes et de lieux : réplication, diffusion', 'Reach more people and places: replication, diffusion') },
        { key: 'scaling-up', label: bi('Institutionnaliser (scaling up)', 'Scaling up'), prompt: bi('Changer les politiques, les lois, les institutions', 'Change policies, laws, institutions') },
        { key: 'scaling-deep', label: bi('Approfondir (scaling deep)', 'Scaling deep'), prompt: bi('Faire évoluer les valeurs, la culture, les relations', 'Shift values, culture, relationships') },
      ],
      'blue',
    ),
    {
      key: 'strategies',
      shape: 'rectangle',
      x: 0,
      y: 750,
      w: 2400,
      h: 540,
      label: bi('Cinq stratégies d’essaimage', 'Five spreading strategies'),
      prompt: bi('Laquelle convient à chaque expérimentation ?', 'Which one suits each experiment?'),
      color: 'light-green',
    },
    ...axisCells(
      'strategies',
      870,
      405,
      [
        { key: 'diversifier', label: bi('Diversifier', 'Diversify'), prompt: bi('De nouvelles activités, pour le même public ou le même territoire', 'New activities,\nfor the same public or territory') },
        { key: 'dupliquer', label: bi('Dupliquer', 'Duplicate'), prompt: bi('Reproduire le projet ailleurs, dans la même structure', 'Reproduce the project elsewhere, within the same organisation') },
        { key: 'fertiliser', label: bi('Fertiliser', 'Fertilise'), prompt: bi('Transmettre la méthode pour que d’autres s’en emparent', 'Pass on the method so that others take it up') },
        { key: 'cooperer', label: bi('Coopérer', 'Cooperate'), prompt: bi('Mutualiser avec d’autres structures', 'Pool resources with other organisations') },
        { key: 'fusionner', label: bi('Fusionner', 'Merge'), prompt: bi('Unir les forces en une seule structure', 'Join forces in a single organisation') },
      ],
      'green',
    ),
  ],
}

// ---------------------------------------------------------------------------------------------
// Trois horizons: the three curves over time, then one zone per horizon (H2 split in two).

const curve = (key: string, from: { x: number; y: number }, to: { x: number; y: number }, bend: number, label: string, labelPosition: number, color: TemplateZone['color']): TemplateArrow => ({
  key,
  from,
  to,
  bend,
  label: { fr: label, en: label },
  labelPosition,
  heads: 'none',
  size: 'xl',
  color,
})

const troisHorizons: TemplateDefinition = {
  id: 'trois-horizons',
  phase: 'deploiement',
  activities: ['consolider', 'deployer'],
  title: bi('Trois horizons', 'Three horizons'),
  description: bi(
    'Le système dominant décline, le futur souhaité grandit, la transition fait le pont. Triez ce qu’il faut garder, les graines du futur et les innovations qui y mènent.',
    'The dominant system declines, the desired future grows, the transition bridges them. Sort what to keep, the seeds of the future and the innovations that lead there.',
  ),
  width: 2400,
  height: 1320,
  zones: [
    {
      key: 'courbes',
      shape: 'rectangle',
      x: 0,
      y: 180,
      w: 2400,
      h: 360,
      label: bi('Au fil du temps', 'Over time'),
      prompt: bi(
        'Le système dominant (H1) décline,\nle futur souhaité (H3) grandit,\nla transition (H2) fait le pont.',
        'The dominant system (H1) declines,\nthe desired future (H3) grows,\nthe transition (H2) bridges them.',
      ),
      color: 'grey',
      fill: 'semi',
      textWidth: 520,
      room: ROOM.none,
    },
    {
      key: 'h1',
      shape: 'rectangle',
      x: 0,
      y: 560,
      w: 700,
      h: 750,
      label: bi('H1 · le système dominant', 'H1 · the dominant system'),
      prompt: bi('Qu’est-ce qui ne tient plus ?\nQu’est-ce qui mérite d’être gardé ?', 'What no longer holds?\nWhat is worth keeping?'),
      color: 'light-blue',
    },
    {
      key: 'h2',
      shape: 'rectangle',
      x: 720,
      y: 560,
      w: 960,
      h: 750,
      label: bi('H2 · la transition', 'H2 · the transition'),
      prompt: bi('Les innovations d’aujourd’hui : vers quel horizon mènent-elles ?', 'Today’s innovations: which horizon do they lead to?'),
      color: 'orange',
    },
    {
      key: 'h2-plus',
      shape: 'rectangle',
      x: 1208,
      y: 715,
      w: 457,
      h: 580,
      parent: 'h2',
      label: bi('Vers H3 (H2+)', 'Towards H3 (H2+)'),
      prompt: bi('Elles préparent le futur souhaité', 'They prepare the desired future'),
      color: 'orange',
      fill: 'semi',
    },
    {
      key: 'h2-moins',
      shape: 'rectangle',
      x: 735,
      y: 715,
      w: 457,
      h: 580,
      parent: 'h2',
      label: bi('Au service de H1 (H2−)', 'Serving H1 (H2−)'),
      prompt: bi('Elles prolongent le système actuel', 'They prolong the current system'),
      color: 'orange',
      fill: 'semi',
    },
    {
      key: 'h3',
      shape: 'rectangle',
      x: 1700,
      y: 560,
      w: 700,
      h: 750,
      label: bi('H3 · le futur souhaité', 'H3 · the desired future'),
      prompt: bi('Quelles graines de ce futur voit-on déjà aujourd’hui ?', 'Which seeds of this future can we already see today?'),
      color: 'light-green',
    },
  ],
  arrows: [
    { key: 'axe-temps', from: { x: 580, y: 515 }, to: { x: 2380, y: 515 }, label: bi('Temps', 'Time'), labelPosition: 0.92, color: 'grey', size: 'm' },
    { key: 'axe-presence', from: { x: 580, y: 515 }, to: { x: 580, y: 200 }, color: 'grey', size: 'm' },
    curve('courbe-h1', { x: 600, y: 235 }, { x: 2330, y: 480 }, -90, 'H1', 0.08, 'blue'),
    curve('courbe-h3', { x: 600, y: 480 }, { x: 2330, y: 235 }, 90, 'H3', 0.92, 'green'),
    curve('courbe-h2', { x: 820, y: 480 }, { x: 2110, y: 480 }, -165, 'H2', 0.3, 'orange'),
  ],
}

// ---------------------------------------------------------------------------------------------
// Stratégie d'influence: the five steps of the advocacy cycle, the positions map, the message box.

const STEP_W = 432
const STEP_GAP = 60
const advocacyStep = (i: number, key: string, label: Bilingual, prompt: Bilingual): TemplateZone => ({
  key,
  shape: 'rectangle',
  x: i * (STEP_W + STEP_GAP),
  y: 180,
  w: STEP_W,
  h: 540,
  label,
  prompt,
  color: 'light-red',
})
const STEP_KEYS = ['changement', 'information', 'plan', 'action', 'evaluation'] as const
const positionCell = (i: number, cell: Cell): TemplateZone => ({ ...cell, shape: 'rectangle', x: 15 + i * 515, y: 970, w: 500, h: 345, parent: 'positions', color: 'violet', fill: 'semi' })

const strategieInfluence: TemplateDefinition = {
  id: 'strategie-influence',
  phase: 'deploiement',
  activities: ['influence', 'diffuser'],
  title: bi('Stratégie d’influence', 'Influence strategy'),
  description: bi(
    'Le cycle du plaidoyer, de la décision qu’on veut faire bouger jusqu’à l’évaluation, puis on recommence. Dessous, qui est avec nous et ce que nous disons à chacun.',
    'The advocacy cycle, from the decision we want to shift to the evaluation, then round again. Below, who stands where and what we say to each.',
  ),
  width: 2400,
  height: 1340,
  zones: [
    advocacyStep(0, 'changement', bi('1. Changement visé', '1. Desired change'), bi('Quelle décision, quelle politique\nvoulons-nous faire bouger ?', 'Which decision, which policy\ndo we want to shift?')),
    advocacyStep(1, 'information', bi('2. S’informer', '2. Information'), bi('Décideurs, alliés et champions,\nopposants, risques,\nmoyens d’influence', 'Decision makers, allies and\nchampions, opponents, risks,\nmeans of influence')),
    advocacyStep(2, 'plan', bi('3. Plan d’action', '3. Action plan'), bi('Objectifs, méthodes, messages\npar public, qui fait quoi', 'Objectives, methods, messages\nper audience, who does what')),
    advocacyStep(3, 'action', bi('4. Agir', '4. Action'), bi('Rencontres, tribunes,\nmobilisations : on y va, ensemble', 'Meetings, op-eds, mobilisation:\nwe go, together')),
    advocacyStep(4, 'evaluation', bi('5. Évaluer', '5. Evaluation'), bi('Qu’est-ce qui a bougé ?\nQu’ajuster au prochain tour ?', 'What has moved?\nWhat to adjust next round?')),
    {
      key: 'positions',
      shape: 'rectangle',
      x: 0,
      y: 850,
      w: 1560,
      h: 480,
      label: bi('Alliés, neutres, opposants', 'Allies, neutrals, opponents'),
      prompt: bi('Placez chaque acteur selon sa position sur le changement visé', 'Place each actor by where it stands on the change we seek'),
      color: 'light-violet',
    },
    positionCell(0, { key: 'allies', label: bi('Alliés', 'Allies'), prompt: bi('Ils nous soutiennent', 'They support us') }),
    positionCell(1, { key: 'neutres', label: bi('Neutres', 'Neutrals'), prompt: bi('Ils peuvent basculer', 'They could swing') }),
    positionCell(2, { key: 'opposants', label: bi('Opposants', 'Opponents'), prompt: bi('Ils freinent : pourquoi ?', 'They resist: why?') }),
    {
      key: 'messages',
      shape: 'rectangle',
      x: 1590,
      y: 850,
      w: 810,
      h: 480,
      label: bi('Boîte à messages', 'Message box'),
      prompt: bi('Pour chaque public :\nle message clé, la preuve, ce que nous lui demandons', 'For each audience:\nthe key message, the evidence, what we ask of them'),
      color: 'yellow',
    },
  ],
  arrows: [
    ...STEP_KEYS.slice(0, -1).map(
      (key, i): TemplateArrow => ({ key: `cycle-${i + 1}`, from: { zone: key, side: 'right', gap: 6 }, to: { zone: STEP_KEYS[i + 1]!, side: 'left', gap: 6 }, size: 'l', color: 'black' }),
    ),
    {
      key: 'cycle-retour',
      from: { zone: 'evaluation', side: 'bottom', gap: 8 },
      to: { zone: 'changement', side: 'bottom', gap: 8 },
      bend: -80,
      label: bi('On recommence', 'Round again'),
      size: 'l',
      color: 'black',
    },
  ],
}

// ---------------------------------------------------------------------------------------------
// Feuille de route de déploiement: lanes across six semesters.

const LANE_X = 340
const SEMESTER_W = (2400 - LANE_X) / 6
const lane = (i: number, key: string, label: Bilingual, prompt: Bilingual, color: TemplateZone['color']): TemplateZone => ({
  key,
  shape: 'rectangle',
  x: 0,
  y: 265 + i * 260,
  w: 2400,
  h: 250,
  label,
  prompt,
  color,
  textWidth: 300,
})

const feuilleDeRoute: TemplateDefinition = {
  id: 'feuille-de-route',
  phase: 'deploiement',
  activities: ['deployer', 'consolider'],
  title: bi('Feuille de route de déploiement', 'Deployment roadmap'),
  description: bi(
    'Placez les actions de déploiement dans le temps, par couloir. Une note par action, avec son porteur ; les jalons marquent les grandes étapes.',
    'Place the deployment actions over time, lane by lane. One note per action, with its owner; milestones mark the big steps.',
  ),
  width: 2400,
  height: 1300,
  zones: [
    lane(0, 'jalons', bi('Jalons', 'Milestones'), bi('Les grandes étapes\net décisions', 'The big steps\nand decisions'), 'light-red'),
    lane(1, 'territoires', bi('Territoires', 'Territories'), bi('Où déployons-nous,\ndans quel ordre ?', 'Where do we deploy,\nin what order?'), 'light-blue'),
    lane(2, 'partenaires', bi('Partenaires', 'Partners'), bi('Qui embarquer,\nà quel moment ?', 'Whom to bring\non board, and when?'), 'light-green'),
    lane(3, 'moyens', bi('Moyens', 'Means'), bi('Budget, équipes, outils :\nqui porte quoi ?', 'Budget, teams, tools:\nwho carries what?'), 'yellow'),
  ],
  arrows: [
    { key: 'axe-temps', from: { x: LANE_X, y: 240 }, to: { x: 2390, y: 240 }, color: 'grey', size: 'm' },
    ...Array.from(
      { length: 6 },
      (_, i): TemplateArrow => ({
        key: `separation-${i + 1}`,
        from: { x: Math.round(LANE_X + i * SEMESTER_W), y: 255 },
        to: { x: Math.round(LANE_X + i * SEMESTER_W), y: 1295 },
        heads: 'none',
        dash: 'dashed',
        color: 'grey',
        size: 's',
      }),
    ),
  ],
  texts: Array.from(
    { length: 6 },
    (_, i): TemplateText => ({
      key: `semestre-${i + 1}`,
      x: Math.round(LANE_X + i * SEMESTER_W + 10),
      y: 186,
      w: Math.round(SEMESTER_W - 20),
      text: bi(`Semestre ${i + 1}`, `Semester ${i + 1}`),
      size: 'm',
      bold: true,
      align: 'middle',
    }),
  ),
  notes: [{ key: 'exemple-jalon', x: Math.round(LANE_X + 2 * SEMESTER_W + 70), y: 290, text: bi('Ouverture d’un deuxième lieu — Karim', 'Second site opens — Karim'), color: 'yellow', zone: 'jalons' }],
}

/** The Déploiement templates, in the order of the journey. */
export const DEPLOIEMENT_TEMPLATES: readonly TemplateDefinition[] = [capitalisation, changementEchelle, troisHorizons, strategieInfluence, feuilleDeRoute]
