// The buttons of a call: microphone, camera, screen, leave. Each is named by
// what it does next ("Mute", "Unmute"), which says the state too (no
// aria-pressed besides: a changing name and a pressed state would say it
// twice, contradicting each other).
import { Button } from '../../../components/Button';
import { useI18n } from '../../../i18n';
import type { CallState } from '../session';

export function CallControls({
  state,
  canShare,
  onMic,
  onCamera,
  onScreen,
  onLeave,
}: {
  state: CallState;
  /** The browser can share a screen. */
  canShare: boolean;
  onMic(): void;
  onCamera(): void;
  onScreen(): void;
  onLeave(): void;
}) {
  const { t } = useI18n();
  const joined = state.phase === 'joined';
  return (
    <div className="call-controls" role="group" aria-label={t('calls.controls')}>
      <Button
        className={state.mic ? 'call-control' : 'call-control call-control--off'}
        icon={state.mic ? 'mic' : 'micOff'}
        onClick={onMic}
        disabled={!joined}
        data-control="mic"
      >
        {t(state.mic ? 'calls.mic_off' : 'calls.mic_on')}
      </Button>
      <Button
        className={state.camera ? 'call-control' : 'call-control call-control--off'}
        icon={state.camera ? 'video' : 'videoOff'}
        onClick={onCamera}
        disabled={!joined}
        data-control="camera"
      >
        {t(state.camera ? 'calls.camera_off' : 'calls.camera_on')}
      </Button>
      {canShare ? (
        <Button
          className={state.sharing ? 'call-control call-control--on' : 'call-control'}
          icon="screen"
          onClick={onScreen}
          disabled={!joined}
          data-control="screen"
        >
          {t(state.sharing ? 'calls.share_stop' : 'calls.share')}
        </Button>
      ) : null}
      <Button variant="danger" icon="phoneOff" onClick={onLeave} data-control="leave">
        {t('calls.leave')}
      </Button>
    </div>
  );
}
