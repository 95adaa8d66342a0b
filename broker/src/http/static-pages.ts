import express, { type Express } from 'express';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { PAGE_CSP } from './security-headers.js';

/** console/dist next to this package: from broker/src/http/ (tsx) or from broker/dist/ (the production bundle) */
const here = path.dirname(fileURLToPath(import.meta.url));
export const CONSOLE_DIST =
  [path.resolve(here, '../../../console/dist'), path.resolve(here, '../../console/dist')].find((dir) => existsSync(path.join(dir, '..', 'package.json'))) ??
  path.resolve(here, '../../../console/dist');

/** The console (`/console`), the window page (`/terminal`) and the rating pad (`/pad`) from the console's production build. */
export function mountStaticPages(app: Express, dist = CONSOLE_DIST): void {
  const page = (file: string) => (_req: express.Request, res: express.Response) => {
    const full = path.join(dist, file);
    res.setHeader('Content-Security-Policy', PAGE_CSP);
    if (!existsSync(full)) {
      res.status(503).type('text/plain; charset=utf-8').send('控制台尚未构建：请运行 npm run build:console / console not built: run npm run build:console');
      return;
    }
    res.setHeader('Cache-Control', 'no-cache');
    res.sendFile(full);
  };
  // a missing file or a `../` (send answers 403) falls through to the 404 handler: a probe is not an error worth a stack
  app.use('/assets', express.static(path.join(dist, 'assets'), { immutable: true, maxAge: '30d', fallthrough: true }));
  app.get('/', (_req, res) => res.redirect('/console/'));
  app.get(['/terminal', '/terminal/'], page('terminal.html'));
  // the rating pad (评价器) at the counter: the window page's build, its own screen (docs/RATINGS.md)
  app.get(['/pad', '/pad/'], page('terminal.html'));
  app.get(['/console', '/console/', '/console/*rest'], page('index.html'));
}
