import { useQuery, useQueryClient } from '@tanstack/react-query';
import { createContext, useCallback, useContext, useMemo, type ReactNode } from 'react';
import { authApi, authKeys, authQueries } from '../../api/auth';
import type { Account, Me } from '../../api/types';

interface Auth {
  account: Account;
  roles: string[];
  /** admin or site-admin: may change things (the API still decides) */
  canWrite: boolean;
  isCountyAdmin: boolean;
  isAuditor: boolean;
  signOut(): Promise<void>;
}

const AuthContext = createContext<Auth | null>(null);

export function useMe() {
  return useQuery(authQueries.me());
}

export function AuthProvider({ me, children }: { me: Me; children: ReactNode }) {
  const queryClient = useQueryClient();
  const signOut = useCallback(async () => {
    await authApi.logout().catch(() => undefined);
    queryClient.clear();
    queryClient.setQueryData(authKeys.me, null);
  }, [queryClient]);
  const value = useMemo<Auth>(() => {
    const roles = me.account.roles;
    return {
      account: me.account,
      roles,
      canWrite: roles.includes('admin') || roles.includes('site-admin'),
      isCountyAdmin: roles.includes('admin'),
      isAuditor: roles.includes('auditor') && !roles.includes('admin') && !roles.includes('site-admin'),
      signOut,
    };
  }, [me, signOut]);
  return <AuthContext.Provider value={value}>{children}</AuthContext.Provider>;
}

export function useAuth(): Auth {
  const ctx = useContext(AuthContext);
  if (!ctx) throw new Error('useAuth outside AuthProvider');
  return ctx;
}

/** Renders its children only for accounts that may write (auditors see no write buttons). */
export function CanWrite({ children }: { children: ReactNode }) {
  return useAuth().canWrite ? <>{children}</> : null;
}
