import type { Bilingual, Phase } from '../phases'

/**
 * Method templates as data. A template is a set of zones (locked geo shapes with a label and a
 * prompt), free texts (legends, axis labels), arrows and example sticky notes, laid out in
 * template coordinates: (0, 0) is the template's top-left corner, x grows right, y grows down,
 * one unit is one tldraw page unit at zoom 1. `buildTemplate` turns a definition into tldraw
 * shapes; nothing else about tldraw lives here.
 */

/** tldraw's default colour names (its palette; fills use the light tint of the colour). */
export type TemplateColor =
  | 'black'
  | 'grey'
  | 'light-violet'
  | 'violet'
  | 'blue'
  | 'light-blue'
  | 'yellow'
  | 'orange'
  | 'green'
  | 'light-green'
  | 'light-red'
  | 'red'
  | 'white'

/** Geo kinds a zone can take. Text placement is exact for rectangles and ellipses. */
export type ZoneGeo = 'rectangle' | 'ellipse'

/** tldraw's text sizes: s 18, m 24, l 36, xl 44 page units at scale 1. */
export type TextSize = 's' | 'm' | 'l' | 'xl'

export type TextAlign = 'start' | 'middle' | 'end'

export interface Point {
  x: number
  y: number
}

/** An axis-aligned rectangle; tldraw's `Box` fits it. */
export interface Rect {
  x: number
  y: number
  w: number
  h: number
}

/** Free height (or width, when the text sits on the side) a zone keeps for participants. */
export const ROOM = {
  /** A tldraw sticky note is 200 × 200 at scale 1. */
  note: 200,
  /** A word, a letter or a voting dot. */
  word: 60,
  /** Nothing to add: a heading, a legend, a worked example. */
  none: 0,
} as const

/** Height reserved at the top of every template for its title and description. */
export const HEADER_HEIGHT = 170

/**
 * A box where a zone's label and prompt are written, in template coordinates. Without it the
 * builder writes them at the zone's top-left corner (rectangles) or top centre (ellipses).
 */
export interface TextBox {
  x: number
  y: number
  w: number
  align?: TextAlign
}

/** A locked area of the template that asks one question. */
export interface TemplateZone {
  /** Kebab-case key, unique in the template; shapes carry it in `meta.zone`. */
  key: string
  shape: ZoneGeo
  x: number
  y: number
  w: number
  h: number
  label: Bilingual
  /** The question the zone asks participants. */
  prompt?: Bilingual
  color: TemplateColor
  /** Light tint (`solid`, the default) or near-white (`semi`) so text stays readable. */
  fill?: 'solid' | 'semi'
  dash?: 'solid' | 'dashed' | 'dotted'
  /** The zone this one nests in (rings, cells of a band): it lies inside its parent. */
  parent?: string
  /** Label size: 'l' (default) or 'm' in small cells. */
  labelSize?: 'l' | 'm'
  /** Prompt size: 'm' (default) or 's'. */
  promptSize?: 'm' | 's'
  /** Horizontal alignment of the label and prompt in a rectangle (default 'start'). */
  textAlign?: TextAlign
  /** 'middle' centres the label and prompt vertically, for boxes that only hold a name. */
  textVerticalAlign?: 'top' | 'middle'
  /** Width of the text column when notes go beside the text rather than under it. */
  textWidth?: number
  /** Explicit place of the label and prompt, e.g. on a ring's side. */
  textBox?: TextBox
  /** Free space kept for participants' content, below or beside the text; default ROOM.note. */
  room?: number
}

/** One end of an arrow: a point, or the middle of a zone's side (pushed out by `gap`). */
export type ArrowEnd = Point | { zone: string; side: 'top' | 'bottom' | 'left' | 'right'; gap?: number; offset?: number }

/** A locked arrow: causal links, sequence of steps, axes, guide lines (`heads: 'none'`). */
export interface TemplateArrow {
  key: string
  from: ArrowEnd
  to: ArrowEnd
  /** Short label drawn on the arrow, e.g. '+', '−', 'Pouvoir'. */
  label?: Bilingual
  /** Where the label sits along the arrow, 0–1 (default 0.5). */
  labelPosition?: number
  /** Curvature in page units (tldraw's `bend`): positive bends right of the direction of travel. */
  bend?: number
  color?: TemplateColor
  dash?: 'solid' | 'dashed' | 'dotted'
  heads?: 'end' | 'both' | 'none'
  /** Stroke and label size (default 'm'). */
  size?: 's' | 'm' | 'l' | 'xl'
}

/** A locked free text: legends, axis labels, headings. */
export interface TemplateText {
  key: string
  x: number
  y: number
  w: number
  text: Bilingual
  size: TextSize
  align?: TextAlign
  bold?: boolean
  color?: TemplateColor
  /** The zone the text is written in (it must fit inside it and outside its nested zones). */
  within?: string
}

/** An example sticky note participants may move, edit or delete. */
export interface TemplateNote {
  key: string
  x: number
  y: number
  text: Bilingual
  color: TemplateColor
  /** The zone it illustrates. */
  zone: string
}

/** A method template, pure data. */
export interface TemplateDefinition {
  /** Kebab-case id, stable forever: boards record it. */
  id: string
  phase: Phase
  /** Ids of the activities (shared/phases.ts ACTIVITIES) this template serves. */
  activities: readonly string[]
  title: Bilingual
  /** What it is for and how to use it, one or two sentences. */
  description: Bilingual
  width: number
  height: number
  zones: readonly TemplateZone[]
  arrows?: readonly TemplateArrow[]
  texts?: readonly TemplateText[]
  notes?: readonly TemplateNote[]
}

/** What the API serves about a template (GET /api/templates): serialisable, no layout. */
export interface TemplateSummary {
  id: string
  phase: Phase
  activities: string[]
  title: Bilingual
  description: Bilingual
}

/** Kinds of shapes a template is made of, as written in each shape's `meta.part`. */
export type TemplatePart = 'zone' | 'label' | 'prompt' | 'arrow' | 'title' | 'text' | 'example'

/** `meta` of every shape a template builds; lets code and tests find e.g. a zone's shapes. */
export interface TemplateShapeMeta {
  template: string
  insertion: string
  part: TemplatePart
  /** The zone the shape belongs to (zones, labels, prompts, texts written within, notes). */
  zone?: string
  /** Key of the text, arrow or note in the definition. */
  key?: string
  [key: string]: string | undefined
}
