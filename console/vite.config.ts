import react from '@vitejs/plugin-react';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const here = (file: string) => fileURLToPath(new URL(file, import.meta.url));

/**
 * Two pages from one build: the admin console (`index.html`, served by the broker at /console/)
 * and the clerk's window page (`terminal.html`, served at /terminal). Assets are referenced from
 * `/assets/`, which the broker serves from dist/assets. `scripts/check-size.mjs` reads the
 * manifest after the build and enforces the initial-JS budget.
 */
export default defineConfig({
  base: '/',
  plugins: [react()],
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
