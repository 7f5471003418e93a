// One person in the call's grid: their video (their audio too, for the
// others), or their initials while the camera is off; their name, and
// whether the microphone is off, the screen shared, they speak.
import { useEffect, useRef } from 'react';
import { Avatar } from '../../../components/Avatar';
import { Icon } from '../../../components/Icon';
import { useI18n } from '../../../i18n';

export interface VideoTileProps {
  name: string;
  /** Avatar colour seed (the user id). */
  seed: string;
  stream: MediaStream | null;
  /** The video is shown (else the initials). */
  showVideo: boolean;
  /** This tab's own view: muted, and mirrored unless it is a screen. */
  self?: boolean;
  mirrored?: boolean;
  mic: boolean;
  sharing: boolean;
  speaking: boolean;
  /** Said over the tile while the connection is not there (connecting...). */
  status?: string | null;
  participantId?: string;
}

export function VideoTile({
  name,
  seed,
  stream,
  showVideo,
  self = false,
  mirrored = false,
  mic,
  sharing,
  speaking,
  status,
  participantId,
}: VideoTileProps) {
  const { t } = useI18n();
  const video = useRef<HTMLVideoElement>(null);

  useEffect(() => {
    const v = video.current;
    if (!v || v.srcObject === stream) return;
    v.srcObject = stream;
    // Autoplay is allowed: the person clicked to join.
    if (stream) v.play?.()?.catch(() => undefined);
  }, [stream]);

  const cls = [
    'call-tile',
    self ? 'call-tile--self' : '',
    speaking ? 'call-tile--speaking' : '',
    showVideo ? 'call-tile--video' : '',
    sharing ? 'call-tile--screen' : '',
  ]
    .filter(Boolean)
    .join(' ');
  return (
    <li className={cls} data-participant={participantId} data-self={self || undefined}>
      {/* The element stays while the camera is off: it plays the audio. */}
      <video
        ref={video}
        className={mirrored ? 'call-tile__video call-tile__video--mirrored' : 'call-tile__video'}
        autoPlay
        playsInline
        muted={self}
        aria-hidden="true"
        tabIndex={-1}
      />
      {showVideo ? null : (
        <span className="call-tile__avatar">
          <Avatar name={name} seed={seed} size="lg" />
        </span>
      )}
      {status ? <span className="call-tile__status">{status}</span> : null}
      <span className="call-tile__bar">
        <span className="call-tile__name">{name}</span>
        {sharing ? <Icon name="screen" size={16} label={t('calls.sharing')} /> : null}
        {mic ? null : (
          <Icon name="micOff" size={16} label={t('calls.muted')} className="call-tile__muted" />
        )}
        {speaking ? <span className="visually-hidden">{t('calls.speaking')}</span> : null}
      </span>
    </li>
  );
}
