import type { RatingScore } from '@yunzhuo/protocol/api/rating-words';

const MOUTH: Record<RatingScore, string> = {
  good: 'M15 27 Q24 36 33 27',
  neutral: 'M15 30 L33 30',
  bad: 'M15 33 Q24 24 33 33',
};

/** A drawn face (no emoji font needed on the thin client). */
export function RatingFace({ score }: { score: RatingScore }) {
  return (
    <svg className="rating-face" viewBox="0 0 48 48" width="64" height="64" aria-hidden="true">
      <circle cx="24" cy="24" r="21" fill="none" stroke="currentColor" strokeWidth="3.5" />
      <circle cx="17" cy="19" r="3" fill="currentColor" />
      <circle cx="31" cy="19" r="3" fill="currentColor" />
      <path d={MOUTH[score]} fill="none" stroke="currentColor" strokeWidth="3.5" strokeLinecap="round" />
    </svg>
  );
}
