import { queryOptions } from '@tanstack/react-query';
import { isApiError } from './api-error';
import { api } from './client';
import type { Me } from './types';

export const authKeys = { me: ['auth', 'me'] as const };

export const authApi = {
  login: (username: string, password: string, totpCode?: string) => api.post<Me>('/auth/login', { username, password, ...(totpCode ? { totpCode } : {}) }),
  /** 绑定手机令牌: a new secret and its QR code */
  totpEnroll: () => api.post<{ secret: string; otpauthUrl: string; qrDataUrl: string }>('/auth/totp/enroll'),
  /** the first code; the recovery codes come back once */
  totpConfirm: (code: string) => api.post<{ recoveryCodes: string[] }>('/auth/totp/confirm', { code }),
  /** the code of a session opened by single sign-on */
  totpVerify: (code: string) => api.post<void>('/auth/totp/verify', { code }),
  totpReset: (accountId: string) => api.post<void>(`/accounts/${accountId}/totp/reset`),
  oidcSources: () => api.get<{ items: Array<{ id: string; name: string }> }>('/auth/oidc/sources'),
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
