import { useQuery } from '@tanstack/react-query';
import { useCallback } from 'react';
import { followUpQueries } from '../../api/rating-follow-up';
import { formatDate } from '../../i18n/core/format';

/** A tag's label from the newest version of the tag set that has it at that level (the code when none has). */
export function useTagLabels(): (level: number, code: string) => string {
  const sets = useQuery(followUpQueries.tagSets()).data?.items;
  return useCallback(
    (level: number, code: string) => {
      for (const set of sets ?? []) {
        const tag = set.tags.find((t) => t.level === level && t.code === code);
        if (tag) return tag.label;
      }
      return code;
    },
    [sets],
  );
}

/** A deadline is the instant its working day ends (00:00 of the next day): shown as that day's 24:00. */
export function formatDeadline(at: string): string {
  return `${formatDate(Date.parse(at) - 1)} 24:00`;
}
