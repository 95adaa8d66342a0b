import type { BuildOptions } from 'esbuild';

export function bundleOptions(what: { entryPoints: Record<string, string>; outdir: string }): BuildOptions & { metafile: true };
