import { WindowWorld, submitLogin, waitForDesktop, CLERK_PASSWORD } from './window-world.js';
const world = await WindowWorld.start(7);
try {
  const f = world.factory;
  const site = await f.site({ name: '测试', kind: 'county' });
  const gateway = await world.gateway(site.id);
  const d1 = await f.department({ name: `人社` });
  const d2 = await f.department({ name: `住建` });
  await world.pool(d1.id, site.id, gateway.id, [world.stack.desktops[5]!], { name: `人社桌面池` });
  await world.pool(d2.id, site.id, gateway.id, [world.stack.desktops[6]!], { name: `住建桌面池` });
  const seat = await world.seat(site.id, `A-002`, null);
  const clerk = await world.clerk([d1.id, d2.id], site.id, '赵静');
  const { page } = await world.openWindow(seat);
  page.on('console', (m) => console.log('PAGE', m.type(), m.text()));
  await submitLogin(page, clerk.username);
  await page.getByRole('button', { name: /人社桌面池/ }).click();
  const a = await waitForDesktop(page);
  console.log('first', a.sessionId, await page.getByTestId('desktop-tab').count());
  await page.getByTestId('add-desktop').click();
  const dialog = page.getByTestId('add-desktop-dialog');
  await dialog.locator('input[name=password]').fill(CLERK_PASSWORD);
  await dialog.locator('[data-testid=login-submit]').click();
  await dialog.getByRole('button', { name: /住建桌面池/ }).click();
  const b = await waitForDesktop(page);
  console.log('second', b.sessionId, await page.getByTestId('desktop-tab').count());
  for (let i = 0; i < 10; i++) {
    await new Promise((r) => setTimeout(r, 500));
    console.log('tabs', await page.getByTestId('desktop-tab').count(), await page.locator('[data-testid=desktop-view]').evaluateAll((els) => els.map((e) => `${e.getAttribute('data-session-id')}:${e.getAttribute('data-phase')}:${e.className}`)));
  }
  await world.shot(page, 'dbg-multi');
} finally {
  await world.stop();
}
