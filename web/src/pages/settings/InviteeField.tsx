// The address an invitation goes to: typed, or a colleague's, picked among
// the instance's directory as their name or address is typed (Slack's and
// Teams' "add people"), with the arrows and Enter or a click. Those who
// are already members are not offered; nor is anything to an external
// account (no directory for them).
import { useMemo, useState } from 'react';
import type { DirectoryEntry, Member } from '../../api';
import { PeopleSuggestions, useSuggestionKeys } from '../../components/PersonPicker';
import { useI18n } from '../../i18n';
import { useDirectorySearch } from '../../workspaces/directory';

/** Suggestions shown at once. */
const SUGGESTED = 8;

export function InviteeField({
  value,
  onChange,
  members,
  directory,
}: {
  value: string;
  onChange(email: string): void;
  members: readonly Member[];
  /** Whether the person may read the directory (internal accounts). */
  directory: boolean;
}) {
  const { t } = useI18n();
  // Closed by Escape, a pick or leaving the field; typing opens it again.
  const [closed, setClosed] = useState(true);
  const found = useDirectorySearch(value, directory && !closed);
  const offered = useMemo(() => {
    const inside = new Set(members.map((m) => m.user_id));
    const typed = value.trim().toLowerCase();
    return found
      .filter((p) => !inside.has(p.id) && p.email.toLowerCase() !== typed)
      .slice(0, SUGGESTED);
  }, [found, members, value]);
  const shown = closed ? [] : offered;
  const keys = useSuggestionKeys(shown);
  const { id, current, optionId } = keys;
  const pick = (p: DirectoryEntry) => {
    onChange(p.email);
    keys.reset();
    setClosed(true);
  };

  return (
    <div className="field form__grow person-picker">
      <label htmlFor={`${id}-input`} className="field__label">
        {t('field.email')}
      </label>
      <input
        {...keys.combobox}
        className="input"
        type="email"
        name="invite-email"
        required
        value={value}
        onChange={(e) => {
          onChange(e.target.value);
          keys.reset();
          setClosed(false);
        }}
        onBlur={() => setClosed(true)}
        onKeyDown={(e) => keys.onKeyDown(e, { pick, escape: () => setClosed(true) })}
      />
      <PeopleSuggestions
        id={`${id}-list`}
        optionId={optionId}
        label={t('invitations.suggestions')}
        people={shown}
        current={current}
        onPick={pick}
      />
    </div>
  );
}
