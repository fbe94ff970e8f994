import { createRequire } from 'node:module'
import path from 'node:path'
import type { TLRecord, TLShape } from '@tldraw/tlschema'
import { createTLStore, defaultBindingUtils, defaultShapeUtils } from 'tldraw'
import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { getMetaMap, getRecordsMap } from '../../shared/boardDoc'
import { LANGS, type Lang } from '../../shared/lang'
import { ACTIVITIES, PHASES } from '../../shared/phases'
import { frenchTypography } from '../../shared/templates/bilingual'
import { glyphWidths, hasGlyph } from '../../shared/templates/textMetrics'
import {
  appliedTemplates,
  applyTemplate,
  buildTemplate,
  ensureTemplatesMap,
  findFreeOrigin,
  getTemplate,
  isTemplateId,
  TEMPLATE_MARGIN,
  TEMPLATE_SUMMARIES,
  templateBounds,
  TEMPLATES,
  templatesForActivity,
  templatesForPhase,
  type Rect,
  type TemplateDefinition,
  type TemplateShapeMeta,
} from '../../shared/templates'
import { createBoardSchema, DEFAULT_PAGE_ID, initialBoardRecords, putRecords } from '../../shared/tldrawDoc'
import { lintTemplate } from './templateLint'
import { readAdvanceWidths } from './woff2Metrics'

const options = (lang: Lang, insertionId = 'ins1', origin = { x: 0, y: 0 }) => ({ lang, origin, insertionId, pageId: DEFAULT_PAGE_ID })
const metaOf = (s: TLShape) => s.meta as TemplateShapeMeta

/** Every bilingual string a template shows. */
function allTexts(def: TemplateDefinition): { where: string; fr: string; en: string }[] {
  const out = [
    { where: 'title', ...def.title },
    { where: 'description', ...def.description },
  ]
  for (const z of def.zones) {
    out.push({ where: `label ${z.key}`, ...z.label })
    if (z.prompt) out.push({ where: `prompt ${z.key}`, ...z.prompt })
  }
  for (const t of def.texts ?? []) out.push({ where: `text ${t.key}`, ...t.text })
  for (const a of def.arrows ?? []) if (a.label) out.push({ where: `arrow ${a.key}`, ...a.label })
  for (const n of def.notes ?? []) out.push({ where: `note ${n.key}`, ...n.text })
  return out
}

describe('template catalogue', () => {
  it('has the nineteen templates of templates.md, in journey order, with their French titles', () => {
    expect(TEMPLATES.map((t) => t.title.fr)).toEqual([
      'Cartographie des acteurs',
      'Matrice pouvoir / intérêt',
      'Arbre à problèmes',
      'Conditions de démarrage',
      "Modèle de l'iceberg",
      'Boucles de rétroaction',
      'Conditions du changement systémique',
      'Tableau de co-construction',
      'Théorie du changement',
      'Carte de test & carte d’apprentissage',
      'Gouvernance',
      'Maturité coopérative',
      'Stratégie de financement',
      'Matrice d’évaluation',
      'Capitalisation',
      'Changement d’échelle',
      'Trois horizons',
      'Stratégie d’influence',
      'Feuille de route de déploiement',
    ])
    expect(TEMPLATES.map((t) => t.phase)).toEqual([...Array(4).fill('detection'), ...Array(5).fill('emergence'), ...Array(5).fill('experimentation'), ...Array(5).fill('deploiement')])
  })

  it('has unique kebab-case ids and valid activities of the template’s phase or an earlier one', () => {
    const ids = TEMPLATES.map((t) => t.id)
    expect(new Set(ids).size).toBe(ids.length)
    for (const t of TEMPLATES) {
      expect(t.id).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/)
      expect(t.activities.length).toBeGreaterThan(0)
      for (const a of t.activities) {
        const activity = ACTIVITIES.find((x) => x.id === a)
        expect(activity, `${t.id}: unknown activity ${a}`).toBeDefined()
        expect(PHASES.indexOf(activity!.phase), `${t.id} serves ${a}`).toBeLessThanOrEqual(PHASES.indexOf(t.phase))
      }
    }
  })

  it('serves every activity with at least one template', () => {
    for (const activity of ACTIVITIES) expect(templatesForActivity(activity.id).map((t) => t.id), activity.id).not.toEqual([])
  })

  it('finds templates by id, phase and activity', () => {
    expect(getTemplate('iceberg')?.title.fr).toBe("Modèle de l'iceberg")
    expect(getTemplate('nope')).toBeUndefined()
    expect(isTemplateId('trois-horizons')).toBe(true)
    expect(isTemplateId('__proto__')).toBe(false)
    expect(isTemplateId(42)).toBe(false)
    expect(templatesForPhase('detection').map((t) => t.id)).toEqual(['cartographie-acteurs', 'matrice-pouvoir-interet', 'arbre-a-problemes', 'conditions-demarrage'])
    expect(PHASES.flatMap((p) => templatesForPhase(p))).toEqual(TEMPLATES)
    expect(templatesForActivity('gouvernance').map((t) => t.id)).toEqual(['gouvernance'])
  })

  it('summarises templates as plain JSON for the API', () => {
    expect(TEMPLATE_SUMMARIES).toHaveLength(19)
    expect(JSON.parse(JSON.stringify(TEMPLATE_SUMMARIES))).toEqual(TEMPLATE_SUMMARIES)
    expect(TEMPLATE_SUMMARIES[4]).toEqual({
      id: 'iceberg',
      phase: 'emergence',
      activities: ['explorer'],
      title: { fr: "Modèle de l'iceberg", en: 'Iceberg model' },
      description: getTemplate('iceberg')!.description,
    })
    for (const s of TEMPLATE_SUMMARIES) expect(Object.keys(s).sort()).toEqual(['activities', 'description', 'id', 'phase', 'title'])
  })
})

describe('template texts', () => {
  it('are non-empty in both languages, and descriptions are one or two sentences', () => {
    for (const def of TEMPLATES) {
      for (const t of allTexts(def)) {
        expect(t.fr.trim(), `${def.id} ${t.where}`).not.toBe('')
        expect(t.en.trim(), `${def.id} ${t.where}`).not.toBe('')
      }
      for (const lang of LANGS) expect(def.description[lang].split(/[.!?](\s|$)/).filter((s) => s.trim()).length, `${def.id} description`).toBeLessThanOrEqual(2)
    }
  })

  it('write French with typographic apostrophes and no-break spaces before ? ! ; :', () => {
    for (const def of TEMPLATES) {
      for (const t of allTexts(def)) {
        // The iceberg's title keeps the plain apostrophe it is known by.
        if (!(def.id === 'iceberg' && t.where === 'title')) expect(t.fr, `${def.id} ${t.where}`).not.toContain("'")
        expect(t.en, `${def.id} ${t.where}`).not.toContain("'")
        expect(t.fr, `${def.id} ${t.where}`).toBe(frenchTypography(t.fr))
        expect(t.fr, `${def.id} ${t.where}`).not.toMatch(/ [?!;:]/)
      }
    }
  })

  it('are measured with the widths of the fonts tldraw draws them with', () => {
    // tldraw's 'sans' font: IBM Plex Sans Medium, and Bold for bold text (@tldraw/assets).
    const fonts = path.join(path.dirname(createRequire(import.meta.url).resolve('@tldraw/assets/package.json')), 'fonts')
    for (const [bold, file] of [
      [false, 'IBMPlexSans-Medium.woff2'],
      [true, 'IBMPlexSans-Bold.woff2'],
    ] as const) {
      const width = readAdvanceWidths(path.join(fonts, file))
      for (const [ch, em] of glyphWidths(bold)) expect(width(ch), `${file} "${ch}"`).toBeCloseTo(em, 3)
    }
  })

  it('only use characters the template font has glyphs for', () => {
    for (const def of TEMPLATES) {
      for (const t of allTexts(def)) for (const ch of t.fr + t.en) if (ch !== '\n') expect(hasGlyph(ch), `${def.id} ${t.where}: "${ch}"`).toBe(true)
    }
  })
})

describe.each(TEMPLATES.map((t) => [t.id, t] as const))('layout of %s', (_id, def) => {
  it.each(LANGS)('is compact, legible, and every text fits its place (%s)', (lang) => {
    expect(lintTemplate(def, lang)).toEqual([])
  })
})

describe('buildTemplate', () => {
  const schema = createBoardSchema()
  const store = createTLStore({ shapeUtils: defaultShapeUtils, bindingUtils: defaultBindingUtils })

  it.each(LANGS)('builds records that tldraw’s schema validates, for every template (%s)', (lang) => {
    for (const def of TEMPLATES) {
      const shapes = buildTemplate(def, options(lang, `v-${def.id}`))
      expect(shapes.length).toBeGreaterThan(def.zones.length)
      for (const shape of shapes) expect(() => schema.validateRecord(store, shape as TLRecord, 'createRecord', null), `${def.id} ${shape.id}`).not.toThrow()
    }
  })

  it('builds records a real tldraw store accepts, all templates side by side', () => {
    const real = createTLStore({ shapeUtils: defaultShapeUtils, bindingUtils: defaultBindingUtils })
    real.put(initialBoardRecords('Page 1'))
    let x = 0
    const all: TLShape[] = []
    for (const def of TEMPLATES) {
      for (const lang of LANGS) {
        all.push(...buildTemplate(def, options(lang, `${def.id}-${lang}`, { x, y: 0 })))
        x += def.width + 200
      }
    }
    real.put(all)
    const stored = real.allRecords().filter((r) => r.typeName === 'shape')
    expect(stored).toHaveLength(all.length)
    expect(real.get(all[0]!.id)).toEqual(all[0])
  })

  it('is deterministic, with ids derived from the insertion', () => {
    for (const def of TEMPLATES) {
      const a = buildTemplate(def, options('fr', 'abc'))
      const b = buildTemplate(def, options('fr', 'abc'))
      expect(b).toEqual(a)
      const ids = a.map((s) => s.id)
      expect(new Set(ids).size).toBe(ids.length)
      for (const id of ids) expect(id.startsWith('shape:tpl-abc-')).toBe(true)
      // Another language: the same ids, so racing clients converge whatever their language.
      expect(buildTemplate(def, options('en', 'abc')).map((s) => s.id)).toEqual(ids)
      expect(buildTemplate(def, options('fr', 'xyz')).map((s) => s.id.replace('tpl-xyz-', 'tpl-abc-'))).toEqual(ids)
    }
  })

  it('locks the structure, not the example notes, and tags every shape', () => {
    for (const def of TEMPLATES) {
      const shapes = buildTemplate(def, options('fr'))
      for (const s of shapes) {
        const meta = metaOf(s)
        expect(meta.template).toBe(def.id)
        expect(meta.insertion).toBe('ins1')
        expect(s.isLocked).toBe(meta.part !== 'example')
        expect(s.parentId).toBe(DEFAULT_PAGE_ID)
        if (meta.part === 'example') expect(s.type).toBe('note')
        if (s.type === 'text') {
          expect(s.props.autoSize).toBe(false)
          expect(s.props.font).toBe('sans')
        }
      }
      for (const z of def.zones) {
        const parts = shapes.filter((s) => metaOf(s).zone === z.key && metaOf(s).part !== 'example' && metaOf(s).part !== 'text').map((s) => metaOf(s).part)
        expect(parts.sort(), `${def.id} ${z.key}`).toEqual(z.prompt ? ['label', 'prompt', 'zone'] : ['label', 'zone'])
      }
      expect(shapes.filter((s) => metaOf(s).part === 'title')).toHaveLength(1)
      expect(shapes.filter((s) => metaOf(s).part === 'example')).toHaveLength(def.notes?.length ?? 0)
      expect(shapes.filter((s) => metaOf(s).part === 'arrow')).toHaveLength(def.arrows?.length ?? 0)
    }
  })

  it('stacks nested zones above their parents, texts above zones and arrows, notes on top', () => {
    for (const def of TEMPLATES) {
      const shapes = buildTemplate(def, options('fr'))
      const order = [...shapes].sort((a, b) => (a.index < b.index ? -1 : a.index > b.index ? 1 : 0))
      expect(order).toEqual(shapes)
      const pos = new Map(shapes.map((s, i) => [s.id, i]))
      const at = (part: string, zone?: string) => shapes.filter((s) => metaOf(s).part === part && (zone === undefined || metaOf(s).zone === zone)).map((s) => pos.get(s.id)!)
      for (const z of def.zones) {
        if (z.parent) expect(Math.min(...at('zone', z.key)), `${def.id} ${z.key}`).toBeGreaterThan(Math.max(...at('zone', z.parent)))
      }
      const zones = at('zone')
      const arrows = at('arrow')
      const texts = [...at('label'), ...at('prompt'), ...at('text'), ...at('title')]
      const notes = at('example')
      expect(Math.min(...texts)).toBeGreaterThan(Math.max(...zones, ...arrows))
      if (arrows.length) expect(Math.min(...arrows)).toBeGreaterThan(Math.max(...zones))
      if (notes.length) expect(Math.min(...notes)).toBeGreaterThan(Math.max(...texts))
    }
  })

  it('places the template at the origin and above a given index', () => {
    const def = getTemplate('gouvernance')!
    const at0 = buildTemplate(def, options('fr'))
    const moved = buildTemplate(def, { ...options('fr', 'ins1', { x: 1000, y: -500 }), indexAbove: 'a5' as never })
    moved.forEach((s, i) => {
      expect(s.x).toBe(at0[i]!.x + 1000)
      expect(s.y).toBe(at0[i]!.y - 500)
      expect(s.index > 'a5').toBe(true)
    })
  })

  it('refuses insertion ids that would make unsafe shape ids', () => {
    const def = getTemplate('iceberg')!
    for (const bad of ['', 'a b', 'x/y', 'é', 'a'.repeat(65)]) expect(() => buildTemplate(def, options('fr', bad))).toThrow(/insertion id/)
  })

  it('builds the iceberg’s four bands, waterline under the first, and the action axis', () => {
    const def = getTemplate('iceberg')!
    expect(def.zones.map((z) => z.key)).toEqual(['events', 'patterns', 'structures', 'mental-models'])
    const shapes = buildTemplate(def, options('fr', 'ice', { x: 100, y: 100 }))
    const zone = (key: string) => shapes.find((s) => metaOf(s).part === 'zone' && metaOf(s).zone === key)!
    const label = (key: string) => {
      const s = shapes.find((x) => metaOf(x).part === 'label' && metaOf(x).zone === key)!
      return JSON.stringify(s.props)
    }
    expect(label('events')).toContain('Événements')
    expect(label('patterns')).toContain('Tendances')
    expect(label('structures')).toContain('Structures')
    expect(label('mental-models')).toContain('Modèles mentaux')
    const bands = ['events', 'patterns', 'structures', 'mental-models'].map(zone)
    for (let i = 1; i < bands.length; i++) expect(bands[i]!.y).toBeGreaterThan(bands[i - 1]!.y)
    for (const b of bands) expect(b.type === 'geo' && b.props.geo === 'rectangle' && b.isLocked).toBe(true)
    const water = shapes.find((s) => metaOf(s).key === 'ligne-de-flottaison')!
    const first = bands[0]!
    if (first.type !== 'geo') throw new Error('events band is not a geo shape')
    expect(water.y).toBeGreaterThan(first.y + first.props.h)
    expect(water.y).toBeLessThan(bands[1]!.y)
    const axis = shapes.filter((s) => metaOf(s).part === 'text' && /^action-[a-z-]+$/.test(metaOf(s).key ?? '') && !metaOf(s).key!.endsWith('-detail')).map((s) => JSON.stringify(s.props))
    expect(axis.map((p) => ['Réagir', 'Anticiper', 'Concevoir', 'Transformer'].findIndex((v) => p.includes(v)))).toEqual([0, 1, 2, 3])
  })
})

describe('applyTemplate', () => {
  const newBoard = () => {
    const doc = new Y.Doc()
    putRecords(doc, initialBoardRecords('Page 1'))
    ensureTemplatesMap(doc)
    return doc
  }
  const exchange = (a: Y.Doc, b: Y.Doc) => {
    const ua = Y.encodeStateAsUpdate(a, Y.encodeStateVector(b))
    const ub = Y.encodeStateAsUpdate(b, Y.encodeStateVector(a))
    Y.applyUpdate(b, ua)
    Y.applyUpdate(a, ub)
  }
  const count = (doc: Y.Doc) => getRecordsMap(doc).size
  const shapesOf = (id: string, insertion = 'ins1') => buildTemplate(getTemplate(id)!, options('fr', insertion)).length

  it('applies a template once: a second application of the same insertion does nothing', () => {
    const doc = newBoard()
    const before = count(doc)
    expect(applyTemplate(doc, 'iceberg', options('fr'))).toBe(true)
    expect(count(doc)).toBe(before + shapesOf('iceberg'))
    const state = Y.encodeStateVector(doc)
    expect(applyTemplate(doc, 'iceberg', options('en'))).toBe(false)
    expect(Y.encodeStateVector(doc)).toEqual(state)
    expect(appliedTemplates(doc)).toEqual(new Map([['ins1', 'iceberg']]))
  })

  it('does not bring back the shapes of an insertion that were deleted', () => {
    const doc = newBoard()
    applyTemplate(doc, 'gouvernance', options('fr'))
    const records = getRecordsMap(doc)
    for (const key of [...records.keys()]) if (key.startsWith('shape:')) records.delete(key)
    expect(applyTemplate(doc, 'gouvernance', options('fr'))).toBe(false)
    expect(count(doc)).toBe(2)
  })

  it('writes everything in one transaction, with the given origin', () => {
    const doc = newBoard()
    const origins: unknown[] = []
    doc.on('afterTransaction', (tr) => origins.push(tr.origin))
    const origin = { local: true }
    applyTemplate(doc, 'trois-horizons', options('fr'), origin)
    expect(origins).toEqual([origin])
  })

  it('converges to one copy when two clients apply the same insertion concurrently', () => {
    const a = newBoard()
    const b = new Y.Doc()
    Y.applyUpdate(b, Y.encodeStateAsUpdate(a))
    const base = count(a)
    expect(applyTemplate(a, 'cartographie-acteurs', options('fr', 'race'))).toBe(true)
    expect(applyTemplate(b, 'cartographie-acteurs', options('en', 'race'))).toBe(true)
    exchange(a, b)
    expect(count(a)).toBe(base + shapesOf('cartographie-acteurs', 'race'))
    expect(count(b)).toBe(count(a))
    expect(getRecordsMap(b).toJSON()).toEqual(getRecordsMap(a).toJSON())
    expect(appliedTemplates(a)).toEqual(new Map([['race', 'cartographie-acteurs']]))
    expect(applyTemplate(a, 'cartographie-acteurs', options('fr', 'race'))).toBe(false)
  })

  it('converges to one copy even when both clients create the templates map', () => {
    const a = new Y.Doc()
    const b = new Y.Doc()
    expect(applyTemplate(a, 'capitalisation', options('fr', 'seed'))).toBe(true)
    expect(applyTemplate(b, 'capitalisation', options('fr', 'seed'))).toBe(true)
    exchange(a, b)
    expect(count(a)).toBe(shapesOf('capitalisation', 'seed'))
    expect(count(b)).toBe(count(a))
    expect(getMetaMap(a).get('templates')).toBeInstanceOf(Y.Map)
    expect(appliedTemplates(b).get('seed')).toBe('capitalisation')
    expect(applyTemplate(b, 'capitalisation', options('fr', 'seed'))).toBe(false)
  })

  it('keeps both copies when two clients insert different insertions concurrently', () => {
    const a = newBoard()
    const b = new Y.Doc()
    Y.applyUpdate(b, Y.encodeStateAsUpdate(a))
    applyTemplate(a, 'iceberg', options('fr', 'one'))
    applyTemplate(b, 'iceberg', options('fr', 'two', { x: 3000, y: 0 }))
    exchange(a, b)
    expect(count(a)).toBe(2 + 2 * shapesOf('iceberg'))
    expect(appliedTemplates(b)).toEqual(new Map([
      ['one', 'iceberg'],
      ['two', 'iceberg'],
    ]))
  })

  it('reads a plain-object templates entry and upgrades it to a Y.Map', () => {
    const doc = new Y.Doc()
    getMetaMap(doc).set('templates', { old: 'iceberg' })
    expect(appliedTemplates(doc)).toEqual(new Map([['old', 'iceberg']]))
    expect(applyTemplate(doc, 'iceberg', options('fr', 'old'))).toBe(false)
    expect(applyTemplate(doc, 'iceberg', options('fr', 'new'))).toBe(true)
    expect(getMetaMap(doc).get('templates')).toBeInstanceOf(Y.Map)
    expect(appliedTemplates(doc)).toEqual(new Map([
      ['old', 'iceberg'],
      ['new', 'iceberg'],
    ]))
  })

  it('refuses unknown templates and bad insertion ids without touching the document', () => {
    const doc = newBoard()
    const state = Y.encodeStateAsUpdate(doc)
    expect(() => applyTemplate(doc, 'nope', options('fr'))).toThrow(/unknown template/)
    expect(() => applyTemplate(doc, 'iceberg', options('fr', 'bad id'))).toThrow(/insertion id/)
    expect(Y.encodeStateAsUpdate(doc)).toEqual(state)
  })
})

describe('findFreeOrigin', () => {
  /** Deterministic pseudo-random numbers (mulberry32). */
  const random = (seed: number) => () => {
    seed = (seed + 0x6d2b79f5) | 0
    let t = seed
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
  const overlaps = (a: Rect, b: Rect, margin: number) => a.x < b.x + b.w + margin && b.x < a.x + a.w + margin && a.y < b.y + b.h + margin && b.y < a.y + a.h + margin

  it('centres the template on the viewport when the canvas is empty', () => {
    expect(findFreeOrigin([], { x: 500, y: 300 }, { w: 2000, h: 1000 })).toEqual({ x: -500, y: -200 })
  })

  it('keeps the centre when the content is elsewhere', () => {
    expect(findFreeOrigin([{ x: 5000, y: 5000, w: 100, h: 100 }], { x: 0, y: 0 }, { w: 2000, h: 1000 })).toEqual({ x: -1000, y: -500 })
  })

  it('moves next to a template already in view rather than on top of it', () => {
    const def = getTemplate('iceberg')!
    const existing = templateBounds(def, { x: -1100, y: -620 })
    const origin = findFreeOrigin([existing], { x: 0, y: 0 }, { w: def.width, h: def.height })
    expect(overlaps(templateBounds(def, origin), existing, TEMPLATE_MARGIN - 1)).toBe(false)
    // Nearby: at most one template size away.
    expect(Math.abs(origin.x - existing.x)).toBeLessThanOrEqual(def.width + TEMPLATE_MARGIN + 600)
    expect(Math.abs(origin.y - existing.y)).toBeLessThanOrEqual(def.height + TEMPLATE_MARGIN + 600)
  })

  it.each([1, 2, 3, 42, 1234])('never overlaps random content (seed %i)', (seed) => {
    const rnd = random(seed)
    const existing: Rect[] = Array.from({ length: 40 + Math.floor(rnd() * 80) }, () => ({ x: (rnd() - 0.5) * 12000, y: (rnd() - 0.5) * 8000, w: 50 + rnd() * 2500, h: 50 + rnd() * 1500 }))
    for (let k = 0; k < 5; k++) {
      const size = { w: 1600 + rnd() * 1000, h: 1000 + rnd() * 400 }
      const origin = findFreeOrigin(existing, { x: (rnd() - 0.5) * 6000, y: (rnd() - 0.5) * 4000 }, size)
      const placed = { ...origin, ...size }
      for (const b of existing) expect(overlaps(placed, b, TEMPLATE_MARGIN - 1), JSON.stringify({ placed, b })).toBe(false)
      existing.push(placed)
    }
  })

  it('falls back to the right of all content on a crowded canvas', () => {
    const wall = { x: -100000, y: -100000, w: 200000, h: 200000 }
    const origin = findFreeOrigin([wall], { x: 0, y: 0 }, { w: 2000, h: 1000 })
    expect(origin.x).toBeGreaterThan(wall.x + wall.w + TEMPLATE_MARGIN)
    expect(origin.y).toBe(-500)
  })
})
