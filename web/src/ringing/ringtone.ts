// The ring tone: a short, quiet two-note chime every few seconds while a
// call rings, made with WebAudio (no file to fetch). Browsers let a page
// play sound only once the person has used it (the autoplay policy): before
// that, nothing is made, so nothing is refused or logged; a context the
// browser still holds suspended is asked to resume, its refusal ignored.

/** What the tone needs from the browser (tests give fakes). */
export interface RingtoneEnv {
  /** The browser's AudioContext constructor; absent: no sound. */
  AudioContext?: new () => AudioContext;
  /** Whether the person has used the page (navigator.userActivation). */
  activated(): boolean;
}

/** Time between the starts of two chimes. */
export const CHIME_EVERY_MS = 3000;
/** The two notes (Hz), each this long (s), at this peak gain (quiet). */
const NOTES = [880, 660];
const NOTE_S = 0.16;
const PEAK = 0.05;

function browserEnv(): RingtoneEnv {
  const w = typeof window === 'undefined' ? undefined : window;
  const nav = typeof navigator === 'undefined' ? undefined : navigator;
  const activation = (nav as { userActivation?: { hasBeenActive: boolean } } | undefined)
    ?.userActivation;
  return {
    AudioContext: w?.AudioContext,
    // Browsers without the API: creating a context before a gesture only warns.
    activated: () => activation?.hasBeenActive ?? true,
  };
}

let shared: AudioContext | null = null;

/**
 * Starts the tone (one chime now, then every CHIME_EVERY_MS); returns the
 * function that stops it. Never throws.
 */
export function startRingtone(env: RingtoneEnv = browserEnv()): () => void {
  const Ctor = env.AudioContext;
  if (!Ctor || !env.activated()) return () => undefined;
  let ctx: AudioContext;
  try {
    shared ??= new Ctor();
    ctx = shared;
  } catch {
    return () => undefined;
  }
  const playing = new Set<OscillatorNode>();
  const chime = () => {
    if (ctx.state === 'suspended') ctx.resume().catch(() => undefined);
    try {
      const t0 = ctx.currentTime + 0.02;
      NOTES.forEach((hz, i) => {
        const start = t0 + i * NOTE_S;
        const osc = ctx.createOscillator();
        const gain = ctx.createGain();
        osc.type = 'sine';
        osc.frequency.value = hz;
        gain.gain.setValueAtTime(0, start);
        gain.gain.linearRampToValueAtTime(PEAK, start + 0.015);
        gain.gain.exponentialRampToValueAtTime(0.0001, start + NOTE_S);
        osc.connect(gain);
        gain.connect(ctx.destination);
        osc.onended = () => {
          playing.delete(osc);
          gain.disconnect();
        };
        playing.add(osc);
        osc.start(start);
        osc.stop(start + NOTE_S + 0.02);
      });
    } catch {
      // A closed or broken context: silence.
    }
  };
  chime();
  const timer = setInterval(chime, CHIME_EVERY_MS);
  return () => {
    clearInterval(timer);
    playing.forEach((osc) => {
      try {
        osc.stop();
      } catch {
        // Already stopped.
      }
    });
    playing.clear();
  };
}

/** Tests: forgets the shared context. */
export function resetRingtoneForTests(): void {
  shared = null;
}
