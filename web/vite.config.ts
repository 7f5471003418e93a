import { defineConfig } from 'vitest/config';
import react from '@vitejs/plugin-react';

// The server serves dist/ under a strict CSP (script-src 'self', style-src
// 'self'): nothing may be inlined into index.html, and assets stay files.
export default defineConfig({
  plugins: [react()],
  build: {
    target: 'es2022',
    assetsInlineLimit: 0,
    cssCodeSplit: true,
    sourcemap: false,
    reportCompressedSize: true,
    chunkSizeWarningLimit: 400,
    rolldownOptions: {
      output: {
        // One main chunk for the shell (React, session, i18n, layout, shared
        // components) instead of a dozen tiny shared ones; pages, modules
        // (src/modules/<name>), Markdown, the QR code generator and the armour
        // (end-to-end encryption: libsodium and its screens) stay lazy.
        codeSplitting: {
          groups: [
            {
              name: 'app',
              // Everything but the entry (main.tsx), the pages, the modules (and
              // their styles, src/styles/modules), the Markdown renderer, the armour
              // and the English dictionary (fetched when chosen).
              test: /node_modules[\\/](react|react-dom|scheduler)[\\/]|[\\/]src[\\/](?!pages[\\/]|modules[\\/]|styles[\\/]modules[\\/]|markdown[\\/]|armour[\\/]|i18n[\\/]en\.ts|main\.tsx)/,
            },
          ],
        },
      },
    },
  },
  // The signature worker (src/armour/verifier.worker.ts) fetches libsodium
  // only where the browser has no Ed25519: a module, so it can split.
  worker: { format: 'es' },
  server: {
    proxy: {
      '/api': { target: process.env.RUCHE_DEV_SERVER ?? 'http://127.0.0.1:8080', ws: true },
      // Share links: data from the server, the page from Vite.
      '/s/': {
        target: process.env.RUCHE_DEV_SERVER ?? 'http://127.0.0.1:8080',
        bypass: (req) =>
          req.headers['sec-fetch-mode'] === 'navigate' && !req.url?.includes('download=1')
            ? '/index.html'
            : undefined,
      },
    },
  },
  test: {
    environment: 'jsdom',
    include: ['src/**/*.test.ts', 'src/**/*.test.tsx'],
    setupFiles: ['src/test/setup.ts'],
  },
});
