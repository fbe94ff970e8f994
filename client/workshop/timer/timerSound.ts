import { atom, type Atom } from 'tldraw'

const MUTED_KEY = 'fabrique.timer.muted'

function initialMuted(defaultMuted: boolean): boolean {
  try {
    const stored = localStorage.getItem(MUTED_KEY)
    return stored === null ? defaultMuted : stored === '1'
  } catch {
    return defaultMuted
  }
}

let muted: Atom<boolean> | null = null

/**
 * Whether the timer's end is silent on this device (remembered). Until the person chooses,
 * it rings where the room hears it — facilitators' and viewers' screens (the projector) — and
 * not on participants' phones, where twenty beeps at once would drown the room.
 */
export function timerMuted(defaultMuted: boolean): Atom<boolean> {
  muted ??= atom('fabrique timer muted', initialMuted(defaultMuted))
  return muted
}

export function setTimerMuted(value: boolean): void {
  muted?.set(value)
  try {
    localStorage.setItem(MUTED_KEY, value ? '1' : '0')
  } catch {
    // Not remembered: it still applies to this page.
  }
}

let context: AudioContext | null = null

/**
 * Browsers let a page play sound only after a gesture of the person: the first tap, click or
 * key on the page creates (or resumes) the audio context. Returns a stop function.
 */
export function unlockAudioOnGesture(): () => void {
  const unlock = () => {
    try {
      context ??= new AudioContext()
      if (context.state === 'suspended') void context.resume().catch(() => {})
    } catch {
      return
    }
    if (context.state === 'running') stop()
  }
  const events = ['pointerdown', 'keydown', 'touchend'] as const
  const stop = () => events.forEach((e) => removeEventListener(e, unlock, true))
  events.forEach((e) => addEventListener(e, unlock, true))
  return stop
}

/** Three short rising tones: the timer's end. Silent if audio was never unlocked. */
export function playEndTone(): void {
  if (!context || context.state !== 'running') return
  const start = context.currentTime + 0.05
  ;[660, 880, 1100].forEach((frequency, i) => {
    const at = start + i * 0.28
    const osc = context!.createOscillator()
    const gain = context!.createGain()
    osc.type = 'sine'
    osc.frequency.value = frequency
    gain.gain.setValueAtTime(0.0001, at)
    gain.gain.exponentialRampToValueAtTime(0.35, at + 0.02)
    gain.gain.exponentialRampToValueAtTime(0.0001, at + 0.24)
    osc.connect(gain).connect(context!.destination)
    osc.start(at)
    osc.stop(at + 0.26)
  })
}
