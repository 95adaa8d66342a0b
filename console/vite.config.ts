import react from '@vitejs/plugin-react';
import { fileURLToPath } from 'node:url';
import { defineConfig, type Plugin } from 'vite';

const here = (file: string) => fileURLToPath(new URL(file, import.meta.url));

/** Which page a message catalogue belongs to: the console's `src/i18n/`, the window page's `src/terminal/i18n/`. */
function catalogueOwner(moduleId: string): 'index' | 'terminal' | null {
  // a module id is a file path: on Windows its separators may be '\\'
  const file = moduleId.replaceAll('\\', '/');
  if (/\/src\/terminal\/i18n\/(zh-CN|en)\.ts$/.test(file)) return 'terminal';
  return /\/src\/i18n\/(zh-CN|en)\.ts$/.test(file) ? 'index' : null;
}

/** Fails the build when a page's JS (its entry and every chunk it imports statically) carries the other page's words. */
function cataloguesApart(): Plugin {
  return {
    name: 'yunzhuo-catalogues-apart',
    generateBundle(_options, bundle) {
      const chunks = new Map(Object.values(bundle).flatMap((c) => (c.type === 'chunk' ? [[c.fileName, c] as const] : [])));
      for (const entry of [...chunks.values()].filter((c) => c.isEntry)) {
        const loaded = new Set<string>();
        const pending = [entry.fileName];
        for (let file = pending.pop(); file !== undefined; file = pending.pop()) {
          if (loaded.has(file)) continue;
          loaded.add(file);
          pending.push(...(chunks.get(file)?.imports ?? []));
        }
        for (const file of loaded) {
          const stray = Object.keys(chunks.get(file)?.modules ?? {}).find((id) => ![null, entry.name].includes(catalogueOwner(id)));
          if (stray) this.error(`${stray} is in ${file}, loaded by the ${entry.name} page`);
        }
      }
    },
  };
}

/**
 * Two pages from one build: the admin console (`index.html`, served by the broker at /console/)
 * and the clerk's window page (`terminal.html`, served at /terminal). Assets are referenced from
 * `/assets/`, which the broker serves from dist/assets. `scripts/check-size.mjs` reads the
 * manifest after the build and enforces the initial-JS budget; `cataloguesApart` keeps each page's
 * message catalogue out of the other's JS.
 */
export default defineConfig({
  base: '/',
  plugins: [react(), cataloguesApart()],
  build: {
    outDir: 'dist',
    assetsDir: 'assets',
    emptyOutDir: true,
    manifest: true,
    sourcemap: false,
    target: 'es2022',
    chunkSizeWarningLimit: 600,
    rollupOptions: {
      input: { index: here('./index.html'), terminal: here('./terminal.html') },
    },
  },
  server: {
    proxy: {
      '/api/v1/events': { target: 'http://127.0.0.1:18181', ws: true },
      '/api': 'http://127.0.0.1:18181',
    },
  },
});
