export function iso(d: Date | null | undefined): string | null {
  return d ? new Date(d).toISOString() : null;
}
