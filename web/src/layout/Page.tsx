// A screen's heading: sets the document title and moves focus to the
// heading after in-app navigation, so screen readers announce the new page.
import { useEffect, useRef, type ReactNode } from 'react';
import { useBranding } from '../branding';

let firstPage = true;

/** A screen without <Page> (the chat) was shown: later pages are not the first one. */
export function markPageShown(): void {
  firstPage = false;
}

export function Page({
  title,
  subtitle,
  actions,
  children,
  narrow = false,
}: {
  title: string;
  subtitle?: ReactNode;
  actions?: ReactNode;
  children?: ReactNode;
  narrow?: boolean;
}) {
  const { branding } = useBranding();
  const heading = useRef<HTMLHeadingElement>(null);

  useEffect(() => {
    document.title = `${title} · ${branding.instance_name}`;
  }, [title, branding.instance_name]);

  useEffect(() => {
    if (firstPage) {
      firstPage = false;
      return;
    }
    const active = document.activeElement;
    const main = document.getElementById('main');
    // Leave focus where the page put it (an autofocused field).
    if (active && active !== document.body && main?.contains(active)) return;
    heading.current?.focus({ preventScroll: true });
  }, []);

  return (
    <div className={narrow ? 'page page--narrow' : 'page'}>
      <header className="page__header">
        <div className="page__titles">
          <h1 ref={heading} tabIndex={-1} className="page__title">
            {title}
          </h1>
          {subtitle ? <p className="page__subtitle">{subtitle}</p> : null}
        </div>
        {actions ? <div className="page__actions">{actions}</div> : null}
      </header>
      {children}
    </div>
  );
}

/** A titled block of a page. */
export function Section({
  title,
  description,
  id,
  actions,
  children,
}: {
  title: string;
  description?: ReactNode;
  id?: string;
  actions?: ReactNode;
  children?: ReactNode;
}) {
  const hid = id ? `${id}-title` : undefined;
  return (
    <section className="section card" id={id} aria-labelledby={hid}>
      <div className="section__header">
        <div>
          <h2 className="section__title" id={hid}>
            {title}
          </h2>
          {description ? <p className="section__description">{description}</p> : null}
        </div>
        {actions ? <div className="section__actions">{actions}</div> : null}
      </div>
      {children}
    </section>
  );
}
