/**
 * 好差评 words of the national rules (国办发〔2019〕51号, GB/T 39735-2020). No zod here: the
 * window page and the rating pad import these words without the schemas.
 *
 * Levels are the numbers the national data standard and the provinces' interfaces use:
 * 5 非常满意, 4 满意, 3 基本满意, 2 不满意, 1 非常不满意. Levels 1 and 2 are 差评.
 */
export const RATING_LEVELS = [5, 4, 3, 2, 1] as const;
export type RatingLevel = (typeof RATING_LEVELS)[number];

/** 差评: 不满意 and 非常不满意; each one opens a follow-up. */
export function isBadLevel(level: number): boolean {
  return level <= 2;
}

/** The words of each level, as the card shows them (zh) and as an export names them. */
export const RATING_LEVEL_WORDS: Record<RatingLevel, { zh: string; en: string }> = {
  5: { zh: '非常满意', en: 'Very satisfied' },
  4: { zh: '满意', en: 'Satisfied' },
  3: { zh: '基本满意', en: 'Basically satisfied' },
  2: { zh: '不满意', en: 'Dissatisfied' },
  1: { zh: '非常不满意', en: 'Very dissatisfied' },
};

/** Where a rating was given; 窗口评价器 (the window page's card or the rating pad at the counter). */
export const RATING_CHANNELS = ['window-device'] as const;
export type RatingChannel = (typeof RATING_CHANNELS)[number];

export interface RatingTag {
  level: RatingLevel;
  /** stable code (what a rating stores and an export carries) */
  code: string;
  /** the words on the card */
  label: string;
}

/** The states of a 差评 work order, as the console and the export name them. */
export const WORK_ORDER_STATE_WORDS: Record<'open' | 'visited' | 'rectified' | 'appealed' | 'excluded', { zh: string; en: string }> = {
  open: { zh: '待回访', en: 'Open' },
  visited: { zh: '已回访', en: 'Visited' },
  rectified: { zh: '已整改', en: 'Rectified' },
  appealed: { zh: '申诉中', en: 'Appealed' },
  excluded: { zh: '已排除', en: 'Excluded' },
};

/** 渠道 as the export names it. */
export const RATING_CHANNEL_WORDS: Record<RatingChannel, { zh: string; en: string }> = {
  'window-device': { zh: '窗口评价器', en: 'Window rating device' },
};
