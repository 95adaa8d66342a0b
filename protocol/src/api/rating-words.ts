/** 好评 / 中评 / 差评 (no zod here: the window page imports these words without the schemas). */
export const RATING_SCORES = ['good', 'neutral', 'bad'] as const;
export type RatingScore = (typeof RATING_SCORES)[number];

/** Reasons the rating card offers for 差评; free text is accepted too, within bounds. */
export const BAD_RATING_REASONS = ['wait-too-long', 'attitude', 'not-resolved', 'unclear-guidance', 'system-slow'] as const;
