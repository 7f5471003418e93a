// The rules of a call that need no browser: who offers to whom, which
// signals are for this tab, what media to ask for and what is left when
// some is refused, and how the video grid is laid out.
import type { CallParticipant, CallSignal } from '../../../api';

/**
 * Perfect negotiation: of two participants, the one with the larger id is
 * polite (it gives way when both offer at once), the other impolite.
 * Deterministic on both sides, so exactly one of them yields.
 */
export function isPolite(me: string, other: string): boolean {
  return me > other;
}

/**
 * The participants a newcomer offers to: everyone already in the call but
 * itself. Those already in wait for the newcomer's offer.
 */
export function offerTargets(
  participants: readonly CallParticipant[],
  me: string,
): CallParticipant[] {
  const seen = new Set<string>();
  return participants.filter((p) => {
    if (p.id === me || seen.has(p.id)) return false;
    seen.add(p.id);
    return true;
  });
}

/**
 * Whether a `call.signal` is for this tab: this call, addressed to this
 * participant (a person's other tabs get the same event), not from itself.
 */
export function isForMe(s: CallSignal | null | undefined, callId: string, me: string): boolean {
  return (
    !!s &&
    s.call_id === callId &&
    s.to === me &&
    s.from !== me &&
    typeof s.from === 'string' &&
    s.from.length > 0 &&
    (s.kind === 'offer' || s.kind === 'answer' || s.kind === 'candidate' || s.kind === 'bye')
  );
}

/** What the tab sends, after what the browser allowed. */
export type MediaMode = 'audio-video' | 'audio' | 'video' | 'none';

/**
 * Video for a mesh of up to 8: every participant sends its camera to every
 * other, so a modest resolution keeps a laptop's uplink in bounds.
 */
export const VIDEO_CONSTRAINTS: MediaTrackConstraints = {
  width: { ideal: 640 },
  height: { ideal: 360 },
  frameRate: { ideal: 24, max: 30 },
};

export const AUDIO_CONSTRAINTS: MediaTrackConstraints = {
  echoCancellation: true,
  noiseSuppression: true,
  autoGainControl: true,
};

/**
 * The media asked for, in turn, until the browser gives one: camera and
 * microphone; the microphone alone (no camera, or the camera refused);
 * the camera alone (no microphone). None given: the tab joins receive-only.
 */
export const MEDIA_ATTEMPTS: readonly { mode: MediaMode; constraints: MediaStreamConstraints }[] = [
  { mode: 'audio-video', constraints: { audio: AUDIO_CONSTRAINTS, video: VIDEO_CONSTRAINTS } },
  { mode: 'audio', constraints: { audio: AUDIO_CONSTRAINTS } },
  { mode: 'video', constraints: { video: VIDEO_CONSTRAINTS } },
];

/** A remote audio level (0..1, from getStats) above which someone is speaking. */
export const SPEAKING_LEVEL = 0.04;

/** Columns of the video grid for `n` tiles: 1, 2, 2×2, 3×2, 3×3. */
export function gridColumns(n: number): number {
  if (n <= 1) return 1;
  if (n <= 4) return 2;
  if (n <= 9) return 3;
  return 4;
}
