// The channel's pinned messages (live).
import { useEffect, useState } from 'react';
import type { Channel } from '../../../api';
import { Alert, Spinner } from '../../../components/Feedback';
import { useI18n } from '../../../i18n';
import { useChat, useChatErrorText, useChatState } from '../context';
import { timeOf } from '../format';
import { MessageBody } from './MessageBody';
import { PaneFrame } from './PaneFrame';

export function PinsPane({ channel, title }: { channel: Channel; title: string }) {
  const { t, locale, date } = useI18n();
  const errorText = useChatErrorText();
  const { store, setPane, displayName, openChannel, canWrite } = useChat();
  const pins = useChatState((s) => s.pins[channel.id]);
  const [error, setError] = useState<unknown>(null);

  useEffect(() => {
    store.loadPins(channel.id).catch(setError);
  }, [store, channel.id]);

  return (
    <PaneFrame title={t('chat.pins')} subtitle={title} onClose={() => setPane(null)}>
      {error ? <Alert kind="error">{errorText(error)}</Alert> : null}
      {!pins && !error ? <Spinner label={t('common.loading')} /> : null}
      {pins && pins.length === 0 ? (
        <p className="muted chat-pane__empty">{t('chat.pins_none')}</p>
      ) : null}
      {pins && pins.length > 0 ? (
        <ul className="pins">
          {pins.map((m) => (
            <li key={m.id} className="pins__item">
              <p className="pins__meta">
                <span className="msg__author">{displayName(m.author_id)}</span>
                <time dateTime={m.created_at}>
                  {date(m.created_at)} {timeOf(m.created_at, locale)}
                </time>
              </p>
              <MessageBody message={m} />
              <div className="pins__actions">
                <button
                  type="button"
                  className="link-btn"
                  onClick={() =>
                    m.thread_id && !m.in_channel
                      ? setPane({ kind: 'thread', root: m.thread_id })
                      : openChannel(channel.id, { message: m.id })
                  }
                >
                  {t('chat.open')}
                </button>
                {canWrite && !channel.archived ? (
                  <button
                    type="button"
                    className="link-btn"
                    onClick={() => void store.togglePin(m).catch(setError)}
                  >
                    {t('chat.unpin')}
                  </button>
                ) : null}
              </div>
            </li>
          ))}
        </ul>
      ) : null}
    </PaneFrame>
  );
}
