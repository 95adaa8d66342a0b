import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { createPgDatabase } from '../../helpers/test-database.js';

const run = promisify(execFile);
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

describe('cluster bus on PostgreSQL', function () {
  this.timeout(60_000);

  it('sends a burst of NOTIFYs one query at a time: no pg "already executing a query" deprecation', async () => {
    const db = await createPgDatabase();
    try {
      const fixture = path.join(ROOT, 'test/broker/lib/cluster-bus-burst.fixture.ts');
      const { stdout, stderr } = await run(process.execPath, ['--import', 'tsx', '--trace-deprecation', fixture, db.url], { cwd: ROOT });
      assert.equal(stdout.trim(), 'published');
      assert.doesNotMatch(stderr, /DeprecationWarning/, stderr);
    } finally {
      await db.drop();
    }
  });
});
