// The top bar's search: what is typed is looked for across the person's
// workspaces (the search page, /search?q=…).
import { useState, type FormEvent } from 'react';
import { Icon } from '../components/Icon';
import { useI18n } from '../i18n';
import { navigate } from '../router/router';

export function SearchBox() {
  const { t } = useI18n();
  const [text, setText] = useState('');
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const q = text.trim();
    if (!q) return;
    navigate(`/search?q=${encodeURIComponent(q)}`);
    setText('');
  };
  return (
    <form className="topbar__search" role="search" onSubmit={submit}>
      <Icon name="search" size={16} />
      <input
        type="search"
        value={text}
        maxLength={200}
        aria-label={t('search.field')}
        placeholder={t('search.placeholder')}
        onChange={(e) => setText(e.target.value)}
      />
    </form>
  );
}
