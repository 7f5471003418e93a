// A message's text wherever it is shown. In an armoured workspace the body
// is ciphertext: the key manager decrypts it (once per message: cached) and
// checks its author's signature; what cannot be read says so, and a bad
// signature looks different from a missing key.
import { useSyncExternalStore } from 'react';
import type { Message } from '../../../api';
import { useArmourText } from '../../../armour/i18n';
import type { Shown } from '../../../armour/keys';
import { ChatMarkdown } from '../../../markdown/SafeHtml';
import { useChat } from '../context';

const noSubscribe = () => () => undefined;

/** What to show for a message's body (follows the keys as they arrive). */
export function useShown(m: Message): Shown {
  const { armour } = useChat();
  useSyncExternalStore(armour?.subscribe ?? noSubscribe, () => armour?.getState().version ?? 0);
  return armour ? armour.show(m) : { kind: 'plain', text: m.body };
}

/** The text of a message for the composer and search, or null when it cannot be read. */
export function readableText(shown: Shown): string | null {
  return shown.kind === 'plain' || shown.kind === 'text' ? shown.text : null;
}

export function MessageBody({ message, shown }: { message: Message; shown?: Shown }) {
  const ta = useArmourText();
  const { mentionView } = useChat();
  const own = useShown(message);
  const s = shown ?? own;
  switch (s.kind) {
    case 'plain':
    case 'text':
      return (
        <>
          <ChatMarkdown source={s.text} mention={mentionView} />
          {s.kind === 'text' && !s.verified ? (
            <span className="msg__unverified" title={ta('msg.unverified_hint')}>
              {ta('msg.unverified')}
              <span className="visually-hidden"> {ta('msg.unverified_hint')}</span>
            </span>
          ) : null}
        </>
      );
    case 'pending':
      return <p className="msg__sealed msg__sealed--pending">{ta('msg.pending')}</p>;
    case 'unreadable':
      return (
        <p className="msg__sealed msg__sealed--unreadable" title={ta('msg.unreadable_hint')}>
          {ta('msg.unreadable')}
          <span className="visually-hidden"> {ta('msg.unreadable_hint')}</span>
        </p>
      );
    case 'bad_signature':
      return (
        <p className="msg__sealed msg__sealed--forged" title={ta('msg.bad_signature_hint')}>
          {ta('msg.bad_signature')}
          <span className="visually-hidden"> {ta('msg.bad_signature_hint')}</span>
        </p>
      );
  }
}
