import { queryOptions } from '@tanstack/react-query';
import type { z } from 'zod';
import type { accountLockoutList } from '@yunzhuo/protocol/api/resources';
import { api } from './client';
import type { Account } from './types';

export type AccountLockouts = z.output<typeof accountLockoutList>;

export const lockoutKeys = { all: ['account-lockouts'] as const };

/** accounts held after too many failed sign-ins (the broker's login throttle), and the unlock */
export const lockoutApi = {
  list: () => api.get<AccountLockouts>('/account-lockouts'),
  unlock: (accountId: string) => api.post<Account>(`/accounts/${accountId}/unlock`),
};

export const lockoutQueries = {
  // a hold runs out on its own: read again every half minute while the page is open
  list: () => queryOptions({ queryKey: lockoutKeys.all, queryFn: lockoutApi.list, refetchInterval: 30_000 }),
};
