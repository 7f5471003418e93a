import { defineConfig } from 'vite';

// The PDF preview frame's script (src/pdf-viewer/viewer.ts): one classic
// script, not a module — the frame has an opaque origin, and a module
// script would be a cross-origin fetch. Built after the app into
// dist/pdf-viewer/ beside the page and style that public/ provides.
export default defineConfig({
  publicDir: false,
  // pdf.js reads import.meta.url only when it runs under Node.
  define: { 'import.meta.url': 'undefined' },
  build: {
    target: 'es2022',
    outDir: 'dist/pdf-viewer',
    emptyOutDir: false,
    sourcemap: false,
    reportCompressedSize: false,
    chunkSizeWarningLimit: 2500,
    lib: {
      entry: 'src/pdf-viewer/viewer.ts',
      formats: ['iife'],
      name: 'RuchePdfViewer',
      fileName: () => 'viewer.js',
    },
  },
});
