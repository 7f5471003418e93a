// Sign-in, first setup and invitation pages: the instance's brand, a
// language switch, and one card.
import type { ReactNode } from 'react';
import { Brand } from './Brand';
import { LanguageSwitch } from './LanguageSwitch';

export function PublicLayout({ children }: { children: ReactNode }) {
  return (
    <div className="public">
      <header className="public__header">
        <a href="/" className="public__home">
          <Brand size="lg" />
        </a>
        <LanguageSwitch />
      </header>
      <main id="main" className="public__main" tabIndex={-1}>
        {children}
      </main>
    </div>
  );
}
