// Shared by every `npm run bench:<name>`: machine facts, percentiles, the one result format of
// ../shared/notes/benchmarks.md (test/bench/results/<name>.json) and a readable table.
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export interface MachineInfo {
  cpus: number;
  cpuModel: string;
  node: string;
  os: string;
}

export interface BenchResult {
  name: string;
  at: string;
  machine: MachineInfo;
  figures: Record<string, number>;
  targets: Record<string, string>;
  pass: boolean;
}

export function machineInfo(): MachineInfo {
  const cpus = os.cpus();
  return {
    cpus: cpus.length,
    cpuModel: cpus[0]?.model.trim() ?? 'unknown',
    node: process.version,
    os: `${os.type()} ${os.release()} ${os.arch()}`,
  };
}

/** Linear interpolation between closest ranks; `p` in 0..100. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = (p / 100) * (sorted.length - 1);
  const low = Math.floor(rank);
  const high = Math.ceil(rank);
  return sorted[low]! + (sorted[high]! - sorted[low]!) * (rank - low);
}

export function median(values: readonly number[]): number {
  return percentile(values, 50);
}

/**
 * `value` as a multiple of `base`, a figure measured in the same run (how a latency compares with
 * the machine's own noise, not a number of milliseconds of one machine). NaN — no figure, so any
 * target on it fails — when `base` is not a positive finite number.
 */
export function ratioTo(value: number, base: number): number {
  if (!Number.isFinite(value) || !Number.isFinite(base) || base <= 0) return Number.NaN;
  return value / base;
}

/** Rounds to `digits` decimals; without it, 3 significant digits below 100 and integers above. */
export function round(value: number, digits?: number): number {
  if (!Number.isFinite(value)) return value;
  if (digits !== undefined) return Number(value.toFixed(digits));
  if (Math.abs(value) >= 100) return Math.round(value);
  return Number(value.toPrecision(3));
}

const TARGET = /^\s*(>=|<=|>|<|==)\s*(-?[\d.]+)\s*$/;

/** Whether `value` meets a target written like ">= 0.8" or "< 5". */
export function meets(value: number, target: string): boolean {
  const match = TARGET.exec(target);
  if (!match || !Number.isFinite(value)) return false;
  const bound = Number(match[2]);
  switch (match[1]) {
    case '>=':
      return value >= bound;
    case '<=':
      return value <= bound;
    case '>':
      return value > bound;
    case '<':
      return value < bound;
    default:
      return value === bound;
  }
}

/** Targets as data: figure name → the bar it must meet (">= 0.8", "< 5", "== 0"). */
export type BenchTargets = Readonly<Record<string, string>>;

const OVERRIDE_ENV = 'YZ_BENCH_TARGET_';

/**
 * A bench's declared targets with the overrides of this run: `YZ_BENCH_TARGET_<figure>=<bar>` in
 * the environment or `--target <figure>=<bar>` on the command line (the flag wins). An override
 * may name a figure that has no target yet. A bar that is not a comparison stops the run.
 */
export function effectiveTargets(declared: BenchTargets, env: NodeJS.ProcessEnv = process.env, argv: readonly string[] = process.argv): Record<string, string> {
  const targets: Record<string, string> = { ...declared };
  for (const [key, bar] of Object.entries(env)) {
    if (key.startsWith(OVERRIDE_ENV) && bar !== undefined) targets[key.slice(OVERRIDE_ENV.length)] = bar;
  }
  argv.forEach((arg, i) => {
    const value = arg === '--target' ? argv[i + 1] : arg.startsWith('--target=') ? arg.slice('--target='.length) : undefined;
    if (value === undefined) return;
    const at = value.indexOf('=');
    if (at <= 0) throw new Error(`--target wants <figure>=<bar>, got "${value}"`);
    targets[value.slice(0, at)] = value.slice(at + 1);
  });
  const bad = Object.entries(targets).filter(([, bar]) => !TARGET.test(bar));
  if (bad.length > 0) throw new Error(`targets must read like ">= 0.8" or "== 0": ${bad.map(([k, v]) => `${k} "${v}"`).join(', ')}`);
  return targets;
}

export function resultsDir(): string {
  // YZ_BENCH_RESULTS_DIR: elsewhere than test/bench/results/ (the report's own test writes to a temporary folder)
  const dir = process.env.YZ_BENCH_RESULTS_DIR;
  return dir ? path.join(dir, path.sep) : fileURLToPath(new URL('./results/', import.meta.url));
}

/**
 * Writes <resultsDir>/<name>.json, prints the table and returns the result; `pass` is whether
 * every target (with this run's overrides) was met — a figure missing from `figures` fails its
 * target. A miss sets process.exitCode to 1, so the bench exits non-zero once it ends (a bench
 * that calls process.exit() must call it without a code). `exitCode: false` only records (the
 * e2e suite's single samples, whose own assertions decide).
 */
export function writeBenchResult(
  name: string,
  figures: Record<string, number>,
  declaredTargets: BenchTargets,
  notes: Record<string, string> = {},
  options: { exitCode?: boolean } = {},
): BenchResult & { file: string } {
  const targets = effectiveTargets(declaredTargets);
  const rounded = Object.fromEntries(Object.entries(figures).map(([key, value]) => [key, round(value)]));
  const pass = Object.entries(targets).every(([key, target]) => meets(figures[key] ?? Number.NaN, target));
  const result: BenchResult = { name, at: new Date().toISOString(), machine: machineInfo(), figures: rounded, targets, pass };
  mkdirSync(resultsDir(), { recursive: true });
  const file = `${resultsDir()}${name}.json`;
  writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
  printTable(result, notes);
  console.log(`wrote ${file}`);
  if (!pass && options.exitCode !== false) process.exitCode = 1;
  return { ...result, file };
}

/** figure | value | target | ok — one line per figure, targets first. */
export function printTable(result: BenchResult, notes: Record<string, string> = {}): void {
  const keys = [...Object.keys(result.targets), ...Object.keys(result.figures).filter((k) => !(k in result.targets))];
  const rows = keys.map((key) => {
    const value = result.figures[key];
    const target = result.targets[key] ?? '';
    const ok = target === '' ? '' : meets(value ?? Number.NaN, target) ? 'ok' : 'FAIL';
    return [key, String(value ?? '—'), target, ok, notes[key] ?? ''];
  });
  const header = ['figure', 'value', 'target', '', 'note'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]): string =>
    cells
      .map((c, i) => c.padEnd(widths[i]!))
      .join('  ')
      .trimEnd();
  console.log(`\n${result.name} — ${result.machine.cpus} × ${result.machine.cpuModel}, node ${result.machine.node}`);
  console.log(line(header));
  console.log(line(widths.map((w) => '-'.repeat(w))));
  for (const row of rows) console.log(line(row));
  console.log(`\n${result.pass ? 'PASS' : 'FAIL'} (${Object.keys(result.targets).length} targets)`);
}
