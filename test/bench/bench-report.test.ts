// Every bench reports through bench-report.ts: a missed target must fail the run (non-zero exit).
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { effectiveTargets, meets, ratioTo, type BenchResult } from './bench-report.js';

const TINY = fileURLToPath(new URL('./tiny-bench.child.ts', import.meta.url));

interface Run {
  code: number | null;
  stderr: string;
  result: BenchResult | null;
}

function runTiny(dir: string, env: Record<string, string> = {}, args: string[] = []): Promise<Run> {
  return new Promise((resolve) => {
    const childEnv = { ...withoutOverrides(process.env), YZ_BENCH_RESULTS_DIR: dir, ...env };
    execFile(process.execPath, ['--import', 'tsx', TINY, ...args], { env: childEnv }, (error, _stdout, stderr) => {
      let result: BenchResult | null = null;
      try {
        result = JSON.parse(readFileSync(path.join(dir, 'tiny.json'), 'utf8')) as BenchResult;
      } catch {
        result = null;
      }
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : null) : 0, stderr, result });
    });
  });
}

function withoutOverrides(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(env).filter(([k]) => !k.startsWith('YZ_BENCH_')));
}

describe('bench report: targets decide the exit code', function () {
  this.timeout(60_000);
  let dir: string;

  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'yz-bench-report-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('exits 0 and writes pass: true when every target is met', async () => {
    const run = await runTiny(dir);
    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.result?.pass, true);
    assert.deepEqual(run.result?.figures, { answer: 42 });
    assert.deepEqual(run.result?.targets, { answer: '== 42' });
  });

  it('exits 1 and writes pass: false when an impossible target comes from the environment', async () => {
    const run = await runTiny(dir, { YZ_BENCH_TARGET_answer: '> 1000' });
    assert.equal(run.code, 1);
    assert.equal(run.result?.pass, false);
    assert.deepEqual(run.result?.targets, { answer: '> 1000' });
  });

  it('exits 1 when --target sets an impossible bar, or a bar on a figure the bench never measured', async () => {
    const flag = await runTiny(dir, {}, ['--target', 'answer=< 0']);
    assert.equal(flag.code, 1);
    assert.equal(flag.result?.pass, false);
    rmSync(path.join(dir, 'tiny.json'));
    const unmeasured = await runTiny(dir, {}, ['--target=question_ms=<= 1']);
    assert.equal(unmeasured.code, 1);
    assert.deepEqual(unmeasured.result?.targets, { answer: '== 42', question_ms: '<= 1' });
  });

  it('stops before writing when an override is not a comparison', async () => {
    const run = await runTiny(dir, { YZ_BENCH_TARGET_answer: 'fast' });
    assert.notEqual(run.code, 0);
    assert.match(run.stderr, /answer "fast"/);
    assert.equal(run.result, null);
  });
});

describe('bench report: targets', () => {
  it('reads overrides from the environment and the flag, the flag last', () => {
    const targets = effectiveTargets({ a: '>= 1', b: '< 5' }, { YZ_BENCH_TARGET_b: '< 2', OTHER: 'x' }, ['node', 'x.ts', '--target', 'b=< 3']);
    assert.deepEqual(targets, { a: '>= 1', b: '< 3' });
  });

  it('refuses a --target without a figure name', () => {
    assert.throws(() => effectiveTargets({}, {}, ['--target', '=> 1']), /--target wants <figure>=<bar>/);
  });

  it('a missing or non-finite figure meets no target', () => {
    assert.equal(meets(Number.NaN, '>= 0'), false);
    assert.equal(meets(Number.POSITIVE_INFINITY, '> 0'), false);
    assert.equal(meets(0, '== 0'), true);
    assert.equal(meets(4.99, '< 5'), true);
    assert.equal(meets(5, '< 5'), false);
  });
});

describe('bench report: ratios against a figure of the same run', () => {
  it('divides by the base', () => {
    assert.equal(ratioTo(10.8, 4.32), 2.5);
  });

  it('gives NaN, which meets no target, when the base is zero, negative or not finite', () => {
    for (const base of [0, -0.2, Number.NaN, Number.POSITIVE_INFINITY]) {
      assert.ok(Number.isNaN(ratioTo(1, base)), `base ${base}`);
    }
    assert.equal(meets(ratioTo(1, 0), '< 100'), false);
  });
});
