// The key verification screen (docs/armoured.md, "Keys"): the reader's own
// safety code, and each member's with where their keys stand here
// (verified, trusted on first use, changed, to approve). Two people compare codes on
// their own screens, in person or by phone; a verified mark is kept by
// trust.ts for those exact keys. Also where the reader saves their own
// keys to a file, or uses saved ones (SavedKeys.tsx). The chat loads this
// screen lazily, with the armour chunk: other screens never fetch it.
import { useEffect, useId, useMemo, useState, useSyncExternalStore, type ReactNode } from 'react';
import type { ArmourMember } from '../api/types';
import { Avatar } from '../components/Avatar';
import { Button } from '../components/Button';
import { Modal } from '../components/Dialog';
import { Alert, Spinner } from '../components/Feedback';
import { useI18n } from '../i18n';
import { useArmourErrorText, useArmourText } from './i18n';
import type { WorkspaceKeys } from './keys';
import { loadCrypto, type ArmourCrypto } from './load';
import { OwnKeys } from './SavedKeys';
import type { Verification } from './trust';

const TAG: Record<Verification, string> = {
  verified: 'tag tag--success',
  unverified: 'tag',
  changed: 'tag tag--warning',
};

export default function VerifyKeysDialog({
  keys,
  nameOf,
  onClose,
}: {
  keys: WorkspaceKeys;
  /** A person's name as the chat shows it. */
  nameOf(id: string): string;
  onClose(): void;
}) {
  const ta = useArmourText();
  const { t, locale } = useI18n();
  const errorText = useArmourErrorText();
  const s = useSyncExternalStore(keys.subscribe, keys.getState);
  const [c, setC] = useState<ArmourCrypto | null>(null);
  const [error, setError] = useState<unknown>(null);
  /** What the last click changed, for screen readers. */
  const [said, setSaid] = useState('');
  const ids = useId();

  useEffect(() => {
    let live = true;
    loadCrypto().then(
      (m) => live && setC(m),
      (e: unknown) => live && setError(e),
    );
    return () => {
      live = false;
    };
  }, []);

  const others = useMemo(
    () =>
      [...s.members.values()]
        .filter((m) => m.user_id !== keys.me)
        .sort((x, y) => nameOf(x.user_id).localeCompare(nameOf(y.user_id), locale)),
    [s.members, keys.me, nameOf, locale],
  );
  const own = keys.ownKeys();

  const stateOf = (id: string): Verification =>
    s.changed.includes(id) ? 'changed' : s.verified.includes(id) ? 'verified' : 'unverified';
  // Approvals (docs/armoured.md): a reader whose keys are approved approves others'.
  const canApprove = s.anchored && !s.pending.includes(keys.me);
  const approve = async (id: string) => {
    try {
      await keys.approve(id);
      setSaid(ta('approve.done', { name: nameOf(id) }));
    } catch (e) {
      setSaid(errorText(e));
    }
  };

  let body: ReactNode;
  if (error) {
    body = <Alert kind="error">{errorText(error)}</Alert>;
  } else if (!c) {
    body = <Spinner label={ta('verify.loading')} />;
  } else {
    body = (
      <>
        {own ? (
          <section className="verify__own" aria-labelledby={`${ids}-own`}>
            <h3 id={`${ids}-own`} className="verify__heading">
              {ta('verify.yours')}
            </h3>
            <SafetyCode code={c.safetyCode(keys.me, own.box_public, own.sign_public)} />
            <p className="verify__hint">{ta('verify.yours_hint')}</p>
          </section>
        ) : null}
        <OwnKeys userId={keys.me} headingId={`${ids}-saved`} />
        <section aria-labelledby={`${ids}-members`}>
          <h3 id={`${ids}-members`} className="verify__heading">
            {ta('verify.members')}
          </h3>
          {others.length === 0 ? (
            <p className="verify__hint">{ta('verify.none')}</p>
          ) : (
            <ul className="verify__list">
              {others.map((m) => (
                <MemberRow
                  key={m.user_id}
                  member={m}
                  name={nameOf(m.user_id)}
                  state={stateOf(m.user_id)}
                  pending={s.anchored && s.pending.includes(m.user_id)}
                  onApprove={canApprove ? () => approve(m.user_id) : undefined}
                  code={c.safetyCode(m.user_id, m.box_public, m.sign_public)}
                  onMark={(verified) => {
                    const name = nameOf(m.user_id);
                    if (verified) {
                      keys.verifyKeys(m.user_id);
                      setSaid(ta('verify.done', { name }));
                    } else {
                      keys.unverifyKeys(m.user_id);
                      setSaid(ta('verify.undone', { name }));
                    }
                  }}
                />
              ))}
            </ul>
          )}
        </section>
      </>
    );
  }

  return (
    <Modal title={ta('verify.open')} onClose={onClose} wide className="verify">
      <p className="verify__lead">{ta('verify.lead')}</p>
      {body}
      <p className="visually-hidden" role="status">
        {said}
      </p>
      <div className="dialog__actions">
        <Button onClick={onClose}>{t('common.dismiss')}</Button>
      </div>
    </Modal>
  );
}

function MemberRow({
  member,
  name,
  state,
  pending,
  onApprove,
  code,
  onMark,
}: {
  member: ArmourMember;
  name: string;
  state: Verification;
  /** No member approved their current keys yet (the workspace is anchored). */
  pending: boolean;
  /** Approves their keys (when the reader's own are approved). */
  onApprove?: () => Promise<void>;
  code: string;
  onMark(verified: boolean): void;
}) {
  const ta = useArmourText();
  const verified = state === 'verified';
  const [approving, setApproving] = useState(false);
  return (
    <li className={`verify__member verify__member--${state}`}>
      <div className="verify__who">
        <Avatar name={name} seed={member.user_id} size="sm" />
        <span className="verify__name">{name}</span>
        <span className={TAG[state]}>{ta(`verify.state_${state}`)}</span>
        {pending ? <span className="tag tag--warning">{ta('verify.state_pending')}</span> : null}
      </div>
      {state === 'changed' ? <p className="verify__hint">{ta('verify.changed_hint')}</p> : null}
      {pending ? <p className="verify__hint">{ta('verify.pending_hint')}</p> : null}
      <SafetyCode code={code} />
      <div className="verify__actions">
        {pending && onApprove ? (
          <Button
            size="sm"
            variant="primary"
            icon="check"
            disabled={approving}
            aria-label={ta('approve.mark_named', { name })}
            onClick={() => {
              setApproving(true);
              void onApprove().finally(() => setApproving(false));
            }}
          >
            {ta('approve.mark')}
          </Button>
        ) : null}
        {/* One button that changes its words: focus stays on it. */}
        <Button
          size="sm"
          icon={verified ? undefined : 'check'}
          aria-label={ta(verified ? 'verify.unmark_named' : 'verify.mark_named', { name })}
          onClick={() => onMark(!verified)}
        >
          {ta(verified ? 'verify.unmark' : 'verify.mark')}
        </Button>
      </div>
    </li>
  );
}

/** Twelve groups of five digits, four to a line. */
function SafetyCode({ code }: { code: string }) {
  return (
    <code className="safety-code">
      {code.split(' ').map((group, i) => (
        <span key={i}>
          {i ? ' ' : ''}
          {group}
        </span>
      ))}
    </code>
  );
}
