import type { RatingLevel } from '@yunzhuo/protocol/api/rating-words';

/** the mouth of each level: a wide smile down to a deep frown */
const MOUTH: Record<RatingLevel, string> = {
  5: 'M13 26 Q24 40 35 26',
  4: 'M15 28 Q24 35 33 28',
  3: 'M15 30 L33 30',
  2: 'M15 33 Q24 27 33 33',
  1: 'M13 35 Q24 22 35 35',
};

/** A drawn face (no emoji font needed on the thin client). */
export function RatingFace({ level }: { level: RatingLevel }) {
  return (
    <svg className="rating-face" viewBox="0 0 48 48" width="64" height="64" aria-hidden="true">
      <circle cx="24" cy="24" r="21" fill="none" stroke="currentColor" strokeWidth="3.5" />
      <circle cx="17" cy="19" r="3" fill="currentColor" />
      <circle cx="31" cy="19" r="3" fill="currentColor" />
      <path d={MOUTH[level]} fill="none" stroke="currentColor" strokeWidth="3.5" strokeLinecap="round" />
    </svg>
  );
}
