import { bi } from './bilingual'
import { ROOM, type Point, type TemplateArrow, type TemplateDefinition } from './types'

/** Phase 1 — Détection: spot the problem, map who is around it, check the conditions to start. */

// ---------------------------------------------------------------------------------------------
// Cartographie des acteurs: a rectangle for the outer circle of actors, three concentric ellipses
// inside it, and five sectors (one per family of actors) drawn as dashed rays from the centre.

const MAP = { x: 0, y: 180, w: 1960, h: 1040 }
const CENTRE: Point = { x: MAP.x + MAP.w / 2, y: MAP.y + MAP.h / 2 }
const TARGET = { w: 540, h: 240 }

/** A ray from the centre, at parametric angle `deg` of the map's proportions, from the target ellipse to the map's edge. */
function sectorRay(key: string, deg: number): TemplateArrow {
  const t = (deg * Math.PI) / 180
  const dx = Math.cos(t) * (MAP.w / 2)
  const dy = Math.sin(t) * (MAP.h / 2)
  // Leave the target ellipse: solve ((s·dx)/a)² + ((s·dy)/b)² = 1.
  const a = TARGET.w / 2
  const b = TARGET.h / 2
  const sIn = 1 / Math.hypot(dx / a, dy / b)
  // Reach the map's edge: the first side the ray meets.
  const sOut = Math.min(dx === 0 ? Infinity : Math.abs(MAP.w / 2 / dx), dy === 0 ? Infinity : Math.abs(MAP.h / 2 / dy))
  const round = (v: number) => Math.round(v * 10) / 10
  return {
    key,
    from: { x: round(CENTRE.x + dx * sIn), y: round(CENTRE.y + dy * sIn) },
    to: { x: round(CENTRE.x + dx * sOut), y: round(CENTRE.y + dy * sOut) },
    heads: 'none',
    dash: 'dashed',
    color: 'grey',
    size: 's',
  }
}

const cartographieActeurs: TemplateDefinition = {
  id: 'cartographie-acteurs',
  phase: 'detection',
  activities: ['mobiliser', 'detecter'],
  title: bi('Cartographie des acteurs', 'Stakeholder map'),
  description: bi(
    'Placez chaque acteur dans son secteur (sa famille) et d’autant plus près du centre qu’il est impliqué ou influent. Repérez ensuite qui manque autour de la table.',
    'Place each actor in its sector (its family), closer to the centre the more involved or influential it is. Then spot who is missing from the table.',
  ),
  width: 2400,
  height: 1230,
  zones: [
    {
      key: 'a-mobiliser',
      shape: 'rectangle',
      ...MAP,
      label: bi('À mobiliser', 'To mobilise'),
      prompt: bi('Concernés, mais pas encore impliqués', 'Concerned, but\nnot yet involved'),
      color: 'light-blue',
      // Narrow, to stay clear of the upper-left sector border.
      textWidth: 260,
    },
    {
      key: 'impliques',
      shape: 'ellipse',
      x: 160,
      y: 290,
      w: 1640,
      h: 820,
      parent: 'a-mobiliser',
      label: bi('Impliqués', 'Involved'),
      prompt: bi('Ils contribuent régulièrement', 'They contribute regularly'),
      color: 'light-green',
      textBox: { x: 770, y: 304, w: 420, align: 'middle' },
    },
    {
      key: 'au-coeur',
      shape: 'ellipse',
      x: 430,
      y: 440,
      w: 1100,
      h: 520,
      parent: 'impliques',
      label: bi('Au cœur du projet', 'At the core'),
      prompt: bi('Ils décident et agissent', 'They decide and act'),
      color: 'yellow',
      textBox: { x: 790, y: 462, w: 380, align: 'middle' },
    },
    {
      key: 'public-cible',
      shape: 'ellipse',
      x: CENTRE.x - TARGET.w / 2,
      y: CENTRE.y - TARGET.h / 2,
      ...TARGET,
      parent: 'au-coeur',
      label: bi('Public cible', 'Target public'),
      prompt: bi('Qui vit le problème\nau quotidien ?', 'Who lives the problem\nevery day?'),
      color: 'light-red',
      textBox: { x: 820, y: 603, w: 320, align: 'middle' },
      room: ROOM.word,
    },
    {
      key: 'absents',
      shape: 'rectangle',
      x: 2000,
      y: 180,
      w: 400,
      h: 520,
      label: bi('Absents de la table', 'Not at the table'),
      prompt: bi('Qui manque pour comprendre\nou pour agir ?\nComment les associer ?', 'Who is missing to understand\nor to act?\nHow can we involve them?'),
      color: 'grey',
    },
    {
      key: 'fiche-acteur',
      shape: 'rectangle',
      x: 2000,
      y: 720,
      w: 400,
      h: 500,
      label: bi('Fiche acteur', 'Actor card'),
      prompt: bi(
        'Pour chaque acteur clé :\nprésentation, champ d’action,\ncontraintes, leviers.',
        'For each key actor:\nwho they are, field of action,\nconstraints, levers.',
      ),
      color: 'light-violet',
    },
  ],
  // Sector borders; sector centres are at -90°, -18°, 54°, 126° and 198°.
  arrows: [sectorRay('secteur-1', -54), sectorRay('secteur-2', 18), sectorRay('secteur-3', 90), sectorRay('secteur-4', 162), sectorRay('secteur-5', 234)],
  texts: [
    { key: 'famille-publics', x: 770, y: 198, w: 420, text: bi('Acteurs publics', 'Public actors'), size: 'l', bold: true, align: 'middle', within: 'a-mobiliser', color: 'blue' },
    { key: 'famille-entreprises', x: 1560, y: 340, w: 390, text: bi('Entreprises', 'Companies'), size: 'l', bold: true, align: 'middle', within: 'a-mobiliser', color: 'blue' },
    { key: 'famille-ess', x: 1130, y: 1140, w: 820, text: bi('ESS', 'Social & solidarity economy'), size: 'l', bold: true, align: 'middle', within: 'a-mobiliser', color: 'blue' },
    { key: 'famille-recherche', x: 10, y: 1140, w: 820, text: bi('Recherche', 'Research'), size: 'l', bold: true, align: 'middle', within: 'a-mobiliser', color: 'blue' },
    { key: 'famille-habitants', x: 10, y: 425, w: 225, text: bi('Habitants\net usagers', 'Residents\nand users'), size: 'l', bold: true, align: 'middle', within: 'a-mobiliser', color: 'blue' },
  ],
  notes: [
    { key: 'exemple-entreprise', x: 1545, y: 570, text: bi('Une entreprise d’insertion du quartier', 'A local work-integration company'), color: 'yellow', zone: 'impliques' },
    { key: 'exemple-absents', x: 2030, y: 460, text: bi('Les jeunes eux-mêmes ?', 'The young people themselves?'), color: 'orange', zone: 'absents' },
  ],
}

// ---------------------------------------------------------------------------------------------

const matricePouvoirInteret: TemplateDefinition = {
  id: 'matrice-pouvoir-interet',
  phase: 'detection',
  activities: ['mobiliser'],
  title: bi('Matrice pouvoir / intérêt', 'Power–interest grid'),
  description: bi(
    'Situez chaque acteur selon son pouvoir sur le projet et son intérêt pour lui ; le quadrant indique comment l’associer.',
    'Place each actor by its power over the project and its interest in it; the quadrant tells how to involve it.',
  ),
  width: 2000,
  height: 1120,
  zones: [
    {
      key: 'satisfaire',
      shape: 'rectangle',
      x: 140,
      y: 180,
      w: 930,
      h: 430,
      label: bi('Tenir satisfaits', 'Keep satisfied'),
      prompt: bi('Beaucoup de pouvoir, peu d’intérêt :\nles consulter au bon moment, sans les surcharger', 'High power, low interest:\nconsult them at the right time, without overloading them'),
      color: 'orange',
    },
    {
      key: 'gerer',
      shape: 'rectangle',
      x: 1070,
      y: 180,
      w: 930,
      h: 430,
      label: bi('Gérer de près', 'Manage closely'),
      prompt: bi('Beaucoup de pouvoir et d’intérêt :\nles associer étroitement aux décisions', 'High power, high interest:\ninvolve them closely in decisions'),
      color: 'light-red',
    },
    {
      key: 'surveiller',
      shape: 'rectangle',
      x: 140,
      y: 610,
      w: 930,
      h: 430,
      label: bi('Surveiller', 'Monitor'),
      prompt: bi('Peu de pouvoir, peu d’intérêt :\ngarder un œil, avec un effort minimal', 'Low power, low interest:\nkeep an eye on them, with minimal effort'),
      color: 'grey',
    },
    {
      key: 'informer',
      shape: 'rectangle',
      x: 1070,
      y: 610,
      w: 930,
      h: 430,
      label: bi('Tenir informés', 'Keep informed'),
      prompt: bi('Peu de pouvoir, beaucoup d’intérêt :\nles informer régulièrement, ce sont souvent des alliés', 'Low power, high interest:\nkeep them informed, they are often allies'),
      color: 'light-blue',
    },
  ],
  arrows: [
    { key: 'axe-pouvoir', from: { x: 60, y: 1040 }, to: { x: 60, y: 190 }, label: bi('Pouvoir', 'Power'), size: 'l', color: 'black' },
    { key: 'axe-interet', from: { x: 140, y: 1080 }, to: { x: 1990, y: 1080 }, label: bi('Intérêt', 'Interest'), size: 'l', color: 'black' },
  ],
  notes: [{ key: 'exemple-elus', x: 1500, y: 380, text: bi('Élus de la Métropole', 'Metropolitan councillors'), color: 'yellow', zone: 'gerer' }],
}

// ---------------------------------------------------------------------------------------------

const arbreAProblemes: TemplateDefinition = {
  id: 'arbre-a-problemes',
  phase: 'detection',
  activities: ['detecter'],
  title: bi('Arbre à problèmes', 'Problem tree'),
  description: bi(
    'À gauche, le problème central, ses causes (racines) et ses effets (branches). À droite, on retourne l’arbre : le problème devient un objectif, les causes des activités, les effets des résultats attendus.',
    'On the left, the central problem, its causes (roots) and its effects (branches). On the right, turn the tree around: the problem becomes an objective, causes become activities, effects become expected results.',
  ),
  width: 2400,
  height: 1300,
  zones: [
    {
      key: 'effets',
      shape: 'rectangle',
      x: 0,
      y: 180,
      w: 1060,
      h: 370,
      label: bi('Effets', 'Effects'),
      prompt: bi('Quelles conséquences pour les personnes, le territoire, les organisations ?', 'What consequences for people, the territory, organisations?'),
      color: 'light-green',
    },
    {
      key: 'probleme',
      shape: 'rectangle',
      x: 280,
      y: 570,
      w: 500,
      h: 230,
      label: bi('Problème central', 'Central problem'),
      prompt: bi('Formulé pour que plusieurs\nsolutions restent possibles', 'Worded so that several\nsolutions remain possible'),
      color: 'light-red',
      room: ROOM.word,
    },
    {
      key: 'causes',
      shape: 'rectangle',
      x: 0,
      y: 820,
      w: 1060,
      h: 470,
      label: bi('Causes', 'Causes'),
      prompt: bi('Pourquoi ce problème existe-t-il ?', 'Why does this problem exist?'),
      color: 'orange',
    },
    {
      key: 'causes-principales',
      shape: 'rectangle',
      x: 15,
      y: 940,
      w: 510,
      h: 335,
      parent: 'causes',
      label: bi('Causes principales', 'Main causes'),
      prompt: bi('Les causes directes', 'The direct causes'),
      color: 'orange',
      fill: 'semi',
    },
    {
      key: 'causes-secondaires',
      shape: 'rectangle',
      x: 535,
      y: 940,
      w: 510,
      h: 335,
      parent: 'causes',
      label: bi('Causes secondaires', 'Secondary causes'),
      prompt: bi('Les causes des causes', 'The causes of the causes'),
      color: 'orange',
      fill: 'semi',
    },
    {
      key: 'resultats',
      shape: 'rectangle',
      x: 1340,
      y: 180,
      w: 1060,
      h: 370,
      label: bi('Résultats attendus', 'Expected results'),
      prompt: bi('Que deviennent les effets une fois l’objectif atteint ?', 'What do the effects become once the objective is reached?'),
      color: 'light-green',
    },
    {
      key: 'objectif',
      shape: 'rectangle',
      x: 1620,
      y: 570,
      w: 500,
      h: 230,
      label: bi('Objectif', 'Objective'),
      prompt: bi('Le problème central,\nretourné en situation souhaitée', 'The central problem,\nturned into the desired situation'),
      color: 'green',
      room: ROOM.word,
    },
    {
      key: 'activites',
      shape: 'rectangle',
      x: 1340,
      y: 820,
      w: 1060,
      h: 470,
      label: bi('Activités', 'Activities'),
      prompt: bi('Que faire pour agir sur chaque cause ? Une activité par cause.', 'What to do about each cause? One activity per cause.'),
      color: 'yellow',
    },
  ],
  arrows: [{ key: 'retourner', from: { x: 1085, y: 720 }, to: { x: 1315, y: 720 }, size: 'l', color: 'black' }],
  texts: [
    {
      key: 'consigne',
      x: 1070,
      y: 745,
      w: 260,
      text: bi('Retournez l’arbre :\nchaque élément\na son pendant\nà droite.', 'Turn the tree around:\neach item has\nits counterpart\non the right.'),
      size: 'm',
      align: 'middle',
    },
  ],
  notes: [
    { key: 'exemple-effet', x: 700, y: 320, text: bi('Des aînés isolés chez eux', 'Older people isolated at home'), color: 'yellow', zone: 'effets' },
    { key: 'exemple-cause', x: 250, y: 1060, text: bi('Plus de bus après 20\u00a0h', 'No buses after 8 pm'), color: 'yellow', zone: 'causes-principales' },
  ],
}

// ---------------------------------------------------------------------------------------------

const conditionsDemarrage: TemplateDefinition = {
  id: 'conditions-demarrage',
  phase: 'detection',
  activities: ['detecter', 'mobiliser'],
  title: bi('Conditions de démarrage', 'Starting conditions'),
  description: bi(
    'Trois conditions pour lancer un projet d’impact collectif : des champions, une urgence partagée, des ressources pour durer. Notez ce qui est déjà là et ce qui manque.',
    'Three conditions to launch a collective impact effort: champions, a shared sense of urgency, resources to last. Note what is already there and what is missing.',
  ),
  width: 1920,
  height: 1090,
  zones: [
    {
      key: 'champions',
      shape: 'rectangle',
      x: 0,
      y: 180,
      w: 620,
      h: 700,
      label: bi('Des champions influents', 'Influential champions'),
      prompt: bi('Qui peut réunir les acteurs\net porter la démarche dans la durée ?', 'Who can bring the actors together\nand carry the effort over time?'),
      color: 'light-blue',
    },
    {
      key: 'urgence',
      shape: 'rectangle',
      x: 650,
      y: 180,
      w: 620,
      h: 700,
      label: bi('Un sentiment d’urgence partagé', 'A shared sense of urgency'),
      prompt: bi('Pourquoi agir maintenant ?\nQu’est-ce qui rend le statu quo intenable ?', 'Why act now?\nWhat makes the status quo untenable?'),
      color: 'light-red',
    },
    {
      key: 'ressources',
      shape: 'rectangle',
      x: 1300,
      y: 180,
      w: 620,
      h: 700,
      label: bi('Des ressources pour durer', 'Resources to last'),
      prompt: bi('Financements, temps, compétences :\nde quoi tenir plusieurs années ?', 'Funding, time, skills:\nenough to last several years?'),
      color: 'light-green',
    },
    {
      key: 'bilan',
      shape: 'rectangle',
      x: 0,
      y: 900,
      w: 1920,
      h: 180,
      label: bi('Sommes-nous prêts ?', 'Are we ready?'),
      prompt: bi(
        'Pour chaque condition : réunie, en chemin ou à construire ?\nQue reste-t-il à faire ?',
        'For each condition: met, on its way or still to build?\nWhat is left to do?',
      ),
      color: 'yellow',
      textWidth: 900,
      room: ROOM.word,
    },
  ],
  notes: [
    { key: 'exemple-champion', x: 40, y: 420, text: bi('L’adjointe à l’emploi', 'The deputy mayor for jobs'), color: 'yellow', zone: 'champions' },
    { key: 'exemple-urgence', x: 690, y: 420, text: bi('Des listes d’attente qui s’allongent', 'Waiting lists that keep growing'), color: 'yellow', zone: 'urgence' },
    { key: 'exemple-ressources', x: 1340, y: 420, text: bi('Une fondation engagée sur trois ans', 'A foundation committed for three years'), color: 'yellow', zone: 'ressources' },
  ],
}

/** The Détection templates, in the order of the journey. */
export const DETECTION_TEMPLATES: readonly TemplateDefinition[] = [cartographieActeurs, matricePouvoirInteret, arbreAProblemes, conditionsDemarrage]
