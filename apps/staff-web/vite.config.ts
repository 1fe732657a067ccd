import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

/** The dashboard is served by the gateway under /staff; assets get content hashes (cached for a year). */
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: '/staff/',
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // Nothing inline: the page's CSP allows only its own script and style files.
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
  },
});
