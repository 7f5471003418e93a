// Mention autocomplete for a text area whose text (and the names it
// inserted, name -> id) the caller keeps: the caret, the menu of who
// matches the "@…" typed there, the keys that move in it (↑ ↓, Enter or
// Tab picks, Escape closes it for this "@"), and the picked person
// inserted as "@Name". The caller sends toWire(text, namesInText(…)).
import { useId, useMemo, useState, type KeyboardEvent, type ReactNode } from 'react';
import {
  CHANNEL_MENTION,
  insertMention,
  matchPeople,
  mentionAt,
  type MentionQuery,
  type Person,
} from './mentions';
import { MentionMenu, mentionOptionId, type MentionCandidate } from './MentionMenu';

export interface MentionPick {
  text: string;
  names: Map<string, string>;
  /** Where the caret goes. */
  caret: number;
}

export interface Mentions {
  /** Tell it where the caret is (on change and on select). */
  setCaret(at: number): void;
  menuOpen: boolean;
  /** Handles the menu's keys; true when it did (then nothing else should). */
  onKeyDown(e: KeyboardEvent<HTMLTextAreaElement>): boolean;
  /** For the text area. */
  inputProps: {
    'aria-controls'?: string;
    'aria-activedescendant'?: string;
    'aria-autocomplete': 'list';
  };
  /** The menu, when open (place it in a positioned parent of the text area). */
  menu: ReactNode;
}

export function useMentions({
  text,
  names,
  people,
  label,
  extra,
  onPick,
}: {
  text: string;
  names: ReadonlyMap<string, string>;
  people: readonly Person[];
  /** The menu's accessible name. */
  label: string;
  /** More entries after the people (chat's "@channel"), for what is typed. */
  extra?: (query: string) => MentionCandidate[];
  onPick(p: MentionPick): void;
}): Mentions {
  const menuId = useId();
  const [caret, setCaret] = useState(0);
  const [dismissed, setDismissed] = useState<number | null>(null);
  const [activeOption, setActiveOption] = useState(0);

  const query: MentionQuery | null = useMemo(() => mentionAt(text, caret), [text, caret]);
  const candidates: MentionCandidate[] = useMemo(() => {
    if (!query) return [];
    const list: MentionCandidate[] = matchPeople(people, query.query).map((p) => ({
      id: p.id,
      label: p.name,
      detail: p.email,
    }));
    return extra ? [...list, ...extra(query.query)] : list;
  }, [query, people, extra]);
  const menuOpen = !!query && candidates.length > 0 && dismissed !== query.start;
  const active = Math.min(activeOption, Math.max(0, candidates.length - 1));

  const choose = (c: MentionCandidate) => {
    if (!query) return;
    const next = insertMention(text, query, caret, c.label);
    const picked = new Map(names);
    if (c.id !== CHANNEL_MENTION) picked.set(c.label, c.id);
    setCaret(next.caret);
    setActiveOption(0);
    // Done with this "@": the list would offer the name just inserted again.
    setDismissed(query.start);
    onPick({ text: next.text, names: picked, caret: next.caret });
  };

  const onKeyDown = (e: KeyboardEvent<HTMLTextAreaElement>): boolean => {
    if (!menuOpen || e.nativeEvent.isComposing) return false;
    if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault();
      const n = candidates.length;
      setActiveOption((active + (e.key === 'ArrowDown' ? 1 : n - 1)) % n);
      return true;
    }
    if (e.key === 'Enter' || e.key === 'Tab') {
      e.preventDefault();
      const c = candidates[active];
      if (c) choose(c);
      return true;
    }
    if (e.key === 'Escape') {
      e.preventDefault();
      setDismissed(query?.start ?? null);
      return true;
    }
    return false;
  };

  return {
    setCaret,
    menuOpen,
    onKeyDown,
    inputProps: {
      'aria-controls': menuOpen ? menuId : undefined,
      'aria-activedescendant': menuOpen ? mentionOptionId(menuId, active) : undefined,
      'aria-autocomplete': 'list',
    },
    menu: menuOpen ? (
      <MentionMenu
        id={menuId}
        label={label}
        candidates={candidates}
        active={active}
        onChoose={choose}
      />
    ) : null,
  };
}
