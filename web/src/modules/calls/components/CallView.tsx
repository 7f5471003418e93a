// The screen of a call the tab is in: what the media lacks, the grid of
// people (this tab first), the controls, arrivals and departures said to
// screen readers, and a passing notice (someone rung, or declining).
import { Button } from '../../../components/Button';
import { Alert, Spinner } from '../../../components/Feedback';
import { useI18n, type MessageKey } from '../../../i18n';
import { gridColumns } from '../logic/rules';
import type { CallSession, CallState, PeerView } from '../session';
import { CallControls } from './CallControls';
import { VideoTile } from './VideoTile';

const MEDIA_NOTES: Record<NonNullable<CallState['mediaNote']>, MessageKey> = {
  no_camera: 'calls.media.no_camera',
  no_microphone: 'calls.media.no_microphone',
  receive_only: 'calls.media.receive_only',
  unsupported: 'calls.media.unsupported',
};

const DEVICE_ERRORS: Record<NonNullable<CallState['deviceError']>, MessageKey> = {
  microphone: 'calls.device.microphone',
  camera: 'calls.device.camera',
  screen: 'calls.device.screen',
};

function peerStatus(p: PeerView): MessageKey | null {
  switch (p.connection) {
    case 'connected':
    case 'idle':
      return null;
    case 'failed':
    case 'closed':
      return 'calls.connection_failed';
    case 'disconnected':
      return 'calls.reconnecting';
    default:
      return 'calls.connecting';
  }
}

export function CallView({
  session,
  state,
  myName,
  myId,
  nameOf,
  canShare,
  onLeave,
  notice: passing = '',
}: {
  session: CallSession;
  state: CallState;
  myName: string;
  myId: string;
  nameOf(userId: string): string;
  canShare: boolean;
  onLeave(): void;
  /** Shown a few seconds, and said (a status): "Chloé declined the call". */
  notice?: string;
}) {
  const { t } = useI18n();
  const tiles = state.peers.length + 1;
  const notice = state.notice
    ? t(state.notice.kind === 'joined' ? 'calls.notice.joined' : 'calls.notice.left', {
        name: nameOf(state.notice.userId),
      })
    : '';

  return (
    <section className="call" aria-label={t('module.calls.name')}>
      {state.mediaNote ? <Alert kind="warning">{t(MEDIA_NOTES[state.mediaNote])}</Alert> : null}
      {state.deviceError ? (
        <Alert kind="warning">
          {t(DEVICE_ERRORS[state.deviceError])}{' '}
          <Button size="sm" variant="ghost" onClick={() => session.dismissDeviceError()}>
            {t('common.dismiss')}
          </Button>
        </Alert>
      ) : null}
      {state.rejoining ? <Alert kind="info">{t('calls.rejoining')}</Alert> : null}
      {state.sfuDown ? <Alert kind="warning">{t('calls.sfu_unavailable')}</Alert> : null}
      <div className="call-stage">
        <p className="call-notice" role="status">
          {passing}
        </p>
        {state.phase === 'joining' && !state.rejoining ? (
          <div className="call-stage__joining">
            <Spinner label={t('calls.joining')} />
            <p>{t('calls.joining')}</p>
          </div>
        ) : (
          <ul
            className="call-grid"
            data-columns={gridColumns(tiles)}
            aria-label={t('calls.participants')}
          >
            <VideoTile
              self
              name={t('calls.you', { name: myName })}
              seed={myId}
              participantId={state.participantId ?? undefined}
              stream={state.selfView}
              showVideo={!!state.selfView && (state.camera || state.sharing)}
              mirrored={!state.sharing}
              mic={state.mic}
              sharing={state.sharing}
              speaking={state.speaking}
            />
            {state.peers.map((p) => {
              const status = peerStatus(p);
              return (
                <VideoTile
                  key={p.id}
                  participantId={p.id}
                  name={nameOf(p.userId)}
                  seed={p.userId}
                  stream={p.stream}
                  showVideo={p.hasVideo && (p.camera || p.sharing) && !status}
                  mic={p.mic}
                  sharing={p.sharing}
                  speaking={p.speaking}
                  status={status ? t(status) : null}
                />
              );
            })}
          </ul>
        )}
        {state.phase === 'joined' && state.peers.length === 0 ? (
          <p className="call-stage__alone">{t('calls.alone')}</p>
        ) : null}
      </div>
      <CallControls
        state={state}
        canShare={canShare}
        onMic={() => void session.toggleMic()}
        onCamera={() => void session.toggleCamera()}
        onScreen={() => void session.toggleScreen()}
        onLeave={onLeave}
      />
      <p className="visually-hidden" aria-live="polite">
        {notice}
      </p>
    </section>
  );
}
