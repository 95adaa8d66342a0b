import { queryOptions } from '@tanstack/react-query';
import { isApiError } from './api-error';
import { api } from './client';
import type { Me } from './types';

export const authKeys = { me: ['auth', 'me'] as const };

export const authApi = {
  login: (username: string, password: string) => api.post<Me>('/auth/login', { username, password }),
  logout: () => api.post<void>('/auth/logout'),
  /** 修改密码: the signed-in user's own */
  changePassword: (currentPassword: string, newPassword: string) => api.post<void>('/auth/password', { currentPassword, newPassword }),
  /** null when not signed in */
  async me(): Promise<Me | null> {
    try {
      const me = await api.get<Me>('/auth/me');
      return me.account ? me : null;
    } catch (err) {
      if (isApiError(err, 'UNAUTHENTICATED')) return null;
      throw err;
    }
  },
};

export const authQueries = {
  me: () => queryOptions({ queryKey: authKeys.me, queryFn: authApi.me, staleTime: 60_000, retry: false }),
};
