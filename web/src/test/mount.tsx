// Components in tests (jsdom): a host element in the page for each test,
// React's act() environment, the English locale and the i18n provider.
import { act, type ReactNode } from 'react';
import { createRoot, type Root } from 'react-dom/client';
import { afterEach, beforeAll, beforeEach } from 'vitest';
import { I18nProvider, loadLocale } from '../i18n';

(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;

export interface Mounted {
  /** The element the component is rendered into (a new one per test). */
  readonly host: HTMLDivElement;
  /** Renders `node` in the host, inside the i18n provider, and settles its effects. */
  render(node: ReactNode): Promise<void>;
}

/** Call at the top of a test file: each test gets a fresh host, unmounted after it. */
export function mountPoint(): Mounted {
  let host: HTMLDivElement | null = null;
  let root: Root | null = null;
  // English is a chunk of its own: here before the first render, as main.tsx has it.
  beforeAll(() => loadLocale('en'));
  beforeEach(() => {
    localStorage.setItem('ruche.locale', 'en');
    host = document.createElement('div');
    document.body.append(host);
    root = createRoot(host);
  });
  afterEach(() => {
    act(() => root?.unmount());
    host?.remove();
    host = null;
    root = null;
  });
  return {
    get host() {
      if (!host) throw new Error('mountPoint: no test is running');
      return host;
    },
    async render(node) {
      await act(async () => root?.render(<I18nProvider>{node}</I18nProvider>));
    },
  };
}

/**
 * Types `value` into a field as a person would: through the element's own
 * value setter (React tracks the other), then the event React listens to.
 */
export function typeInto(
  field: HTMLInputElement | HTMLTextAreaElement | HTMLSelectElement,
  value: string,
) {
  const setter = Object.getOwnPropertyDescriptor(
    Object.getPrototypeOf(field) as object,
    'value',
  )?.set;
  act(() => {
    setter?.call(field, value);
    field.dispatchEvent(
      new Event(field instanceof HTMLSelectElement ? 'change' : 'input', { bubbles: true }),
    );
  });
}
