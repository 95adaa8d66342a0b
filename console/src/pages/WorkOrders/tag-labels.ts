import { useQuery } from '@tanstack/react-query';
import { useCallback } from 'react';
import { followUpQueries } from '../../api/rating-follow-up';

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
