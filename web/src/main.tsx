import { createRoot } from 'react-dom/client';
import { App } from './app/App';
import { preloadFor, preloadPage } from './app/routes';
import { loadLocale, pickLocale, storedLocale } from './i18n';
import { setPrefetch } from './router/router';
import './styles/tokens.css';
import './styles/base.css';
import './styles/components.css';
import './styles/layout.css';

function signedInHint(): boolean {
  try {
    return sessionStorage.getItem('ruche.csrf') !== null;
  } catch {
    return false;
  }
}

// A link pointed at or focused fetches its page's chunk before the click.
setPrefetch(preloadPage);

// The first page renders without a loading flash when its chunk is here;
// a slow network does not hold the app back longer than this. (No top-level
// await: a page chunk importing the shell while the shell waits would
// deadlock.)
const FIRST_CHUNK_WAIT_MS = 1500;
void Promise.race([
  Promise.all([
    preloadFor(window.location.pathname, signedInHint()),
    loadLocale(pickLocale(storedLocale())).catch(() => undefined),
  ]),
  new Promise((resolve) => setTimeout(resolve, FIRST_CHUNK_WAIT_MS)),
]).then(() => {
  const root = document.getElementById('root');
  if (root) createRoot(root).render(<App />);
});
