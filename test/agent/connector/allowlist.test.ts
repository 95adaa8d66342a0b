import assert from 'node:assert/strict';
import { Allowlist } from '../../../agent/src/connector/allowlist.js';

describe("the connector's allowlist", () => {
  const county = [
    { host: '192.168.10.21', port: 3389 },
    { host: '192.168.10.22', port: 3390 },
    { host: 'desk-3.town.local', port: 3389 },
    { host: 'fd00::5', port: 3389 },
    { host: '10.0.0.1', port: 3389 },
  ];

  it('allows only a target both the broker listed and the town allows', () => {
    const allow = new Allowlist(['192.168.10.0/24:3389', 'desk-3.town.local', '[fd00::/8]:3389']);
    allow.setBrokerTargets(county);
    assert.equal(allow.refusal({ host: '192.168.10.21', port: 3389 }), null);
    assert.equal(allow.refusal({ host: 'DESK-3.town.local', port: 3389 }), null);
    assert.equal(allow.refusal({ host: 'fd00::5', port: 3389 }), null);
    assert.equal(allow.refusal({ host: '192.168.10.22', port: 3390 }), "outside the town's local allowlist", 'the rule names port 3389 only');
    assert.equal(allow.refusal({ host: '10.0.0.1', port: 3389 }), "outside the town's local allowlist");
    assert.equal(allow.refusal({ host: '192.168.10.99', port: 3389 }), 'not a desktop of this site', 'inside the CIDR, never listed');
    assert.equal(allow.refusal({ host: '0300.0250.012.025', port: 3389 }), 'not a desktop of this site');
  });

  it('allows nothing before the broker sent its list, and follows a new list', () => {
    const allow = new Allowlist(['192.168.10.0/24']);
    assert.equal(allow.refusal({ host: '192.168.10.21', port: 3389 }), 'not a desktop of this site');
    allow.setBrokerTargets(county);
    assert.equal(allow.refusal({ host: '192.168.10.21', port: 3389 }), null);
    allow.setBrokerTargets([]);
    assert.equal(allow.refusal({ host: '192.168.10.21', port: 3389 }), 'not a desktop of this site');
  });

  it('refuses a rule it does not understand, loudly', () => {
    assert.throws(() => new Allowlist(['192.168.10.0/24:rdp']), /bad port/);
    assert.throws(() => new Allowlist(['town/24']), /not a CIDR/);
  });
});
