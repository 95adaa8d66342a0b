// Steps of the town desktop scenario, shared by test/e2e/town-desktop.test.ts and bench:town.
import assert from 'node:assert/strict';
import { readFile, rm } from 'node:fs/promises';
import type { Page } from 'playwright-core';
import { eventually } from '../../helpers/eventually.js';
import { desktopPixels, waitForLive } from '../window/window-world.js';
import type { TownWorld } from './town-world.js';

export async function typeLine(page: Page, text: string): Promise<void> {
  await page.keyboard.type(text, { delay: 15 });
  await page.keyboard.press('Enter');
}

export function desktopFile(world: TownWorld, name: string): Promise<string> {
  return readFile(`/home/${world.desktop.username}/${name}`, 'utf8');
}

export async function clearDesktopFiles(world: TownWorld, names: string[]): Promise<void> {
  for (const name of names) await rm(`/home/${world.desktop.username}/${name}`, { force: true });
}

/** The xterm's background covers most of the canvas: real pixels of the town desktop, not a blank or a login dialog. */
export async function seesDesktop(page: Page, timeoutMs = 20_000) {
  return eventually(
    async () => {
      const p = await desktopPixels(page);
      assert.ok(p.width > 0 && p.backgroundShare > 0.6, `xterm background over ${(p.backgroundShare * 100).toFixed(1)} % of a ${p.width}×${p.height} canvas`);
      return p;
    },
    { timeoutMs, intervalMs: 200 },
  );
}

/**
 * Seconds from `since` (performance.now()) until the desktop of `sessionId` is live on the page
 * again AND a line typed there runs in the same shell: `echo "$YZMARK" > ~/<file>` writes the
 * marker set before the trouble. Keys typed while the link is still down are lost or late, so it
 * types again every few seconds until the file appears.
 */
export async function secondsUntilBack(world: TownWorld, sessionId: string, marker: string, file: string, since: number, timeoutMs = 60_000): Promise<number> {
  const page = world.page!;
  const deadline = performance.now() + timeoutMs;
  for (let attempt = 0; performance.now() < deadline; attempt++) {
    try {
      await waitForLive(page, Math.max(1, deadline - performance.now()), sessionId);
      await page.locator('[data-testid=display-frame]').click({ position: { x: 600, y: 400 }, timeout: 2_000 });
      await typeLine(page, `echo "$YZMARK" > ~/${file}`);
      const written = await eventually(
        () =>
          desktopFile(world, file).then(
            (s) => s.trim() === marker,
            () => false,
          ),
        { timeoutMs: 4_000, intervalMs: 50 },
      );
      if (written) return (performance.now() - since) / 1000;
    } catch {
      /* not back yet: try again */
    }
  }
  await world.shot(`not-back-${file}`).catch(() => undefined);
  const phase = await page
    .locator('[data-testid=desktop-view]')
    .first()
    .getAttribute('data-phase', { timeout: 1000 })
    .catch(() => 'no desktop view');
  const trouble = await page
    .getByTestId('desktop-trouble')
    .innerText({ timeout: 1000 })
    .catch(() => '');
  const brokerLines = world.brokers
    .map(
      (b, i) =>
        `broker ${'AB'[i]}:\n${b
          .stdout()
          .split('\n')
          .filter((l) => /tunnel|connector|guacd|stream/i.test(l))
          .slice(-15)
          .join('\n')}`,
    )
    .join('\n');
  throw new Error(
    `the desktop did not come back within ${timeoutMs} ms (page: ${phase} ${trouble}); connector log:\n${world.connector.log.slice(-3000)}\n${brokerLines}`,
  );
}
