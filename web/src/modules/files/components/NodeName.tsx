// An entry's name wherever it is shown. In an armoured workspace the name
// was opened in the browser: while it opens it says so, and a name that
// does not open (a key this person does not hold, or not signed by its
// author) shows as "Nom illisible", with a warning; a file the server shows
// at an older version than this browser saw says so beside it.
import { useCallback, type ReactNode } from 'react';
import { useArmourText } from '../../../armour/i18n';
import type { ShownNode } from '../sealed';

/** The name of an entry in words (titles, toasts, labels); the same function while the language is. */
export function useNodeName(): (n: ShownNode) => string {
  const ta = useArmourText();
  return useCallback(
    (n) => {
      const s = n.sealed?.name;
      if (!s || s === 'open') return n.name;
      return s === 'pending' ? ta('file.opening') : ta('files.unreadable_name');
    },
    [ta],
  );
}

/** The name of an entry in a list, with what the reader should know about it. */
export function NodeName({ node }: { node: ShownNode }): ReactNode {
  const ta = useArmourText();
  const name = useNodeName()(node);
  const s = node.sealed;
  const unreadable = s && s.name !== 'open' && s.name !== 'pending';
  return (
    <>
      {unreadable ? (
        <span className="files-unreadable" title={ta('files.unreadable_name_hint')}>
          ⚠ {name}
        </span>
      ) : (
        name
      )}
      {s?.rolledBack ? (
        <span className="tag tag--warning files-rolled-back" title={ta('files.rolled_back_hint')}>
          ⚠ {ta('files.rolled_back')}
        </span>
      ) : null}
    </>
  );
}
