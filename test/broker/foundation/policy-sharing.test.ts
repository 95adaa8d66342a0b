import assert from 'node:assert/strict';
import type { Actor } from '../../../broker/src/auth/actor.js';
import { assertRowAccess, canAccess } from '../../../broker/src/auth/policy.js';

/** County C with towns T (the actor's home) and U; N is a neighbouring county. */
const townAdmin: Actor = {
  id: 'a',
  username: 'suozhen-admin',
  displayName: '索镇管理员',
  roles: ['site-admin'],
  homeSiteId: 'T',
  address: null,
  scope: { all: false, rootSiteId: 'T', siteIds: new Set(['T']), ancestorIds: new Set(['C']) },
};

describe('policy: rows shared down the site tree (issue 17, item 4)', () => {
  it('a town site-admin reads, never writes, the inherited rows of the county above it', () => {
    assert.equal(canAccess(townAdmin, 'read', 'C', 'inherited'), true);
    assert.equal(canAccess(townAdmin, 'write', 'C', 'inherited'), false);
    assert.throws(() => assertRowAccess(townAdmin, 'write', 'C', 'department', 'inherited'), { code: 'FORBIDDEN' });
  });

  it('the county stays invisible for every other kind of row', () => {
    assert.equal(canAccess(townAdmin, 'read', 'C'), false);
    assert.throws(() => assertRowAccess(townAdmin, 'read', 'C', 'window'), { code: 'NOT_FOUND' });
  });

  it('a sibling town or a neighbouring county shares nothing, inherited or not', () => {
    for (const site of ['U', 'N']) {
      assert.equal(canAccess(townAdmin, 'read', site, 'inherited'), false);
      assert.throws(() => assertRowAccess(townAdmin, 'read', site, 'department', 'inherited'), { code: 'NOT_FOUND' });
    }
  });

  it('its own site stays writable and county-wide rows readable, as before', () => {
    assert.equal(canAccess(townAdmin, 'write', 'T', 'inherited'), true);
    assert.equal(canAccess(townAdmin, 'read', null, 'inherited'), true);
    assert.equal(canAccess(townAdmin, 'write', null, 'inherited'), false);
  });
});
