import { queryOptions } from '@tanstack/react-query';
import type { z } from 'zod';
import type { alertOut, AlertSettings, alertSettingsOut } from '@yunzhuo/protocol/api/alerts';
import { api } from './client';

export type Alert = z.output<typeof alertOut>;
export type AlertSettingsView = z.output<typeof alertSettingsOut>;
interface Page<T> {
  items: T[];
  total: number;
  page: number;
  pageSize: number;
}

/** 告警 (docs/ALERTS.md): open alerts, the history, acknowledge, and the county's settings. */
export const alertsApi = {
  list: (state: 'open' | 'cleared', page = 1) => api.get<Page<Alert>>('/alerts', { state, page, pageSize: 50 }),
  acknowledge: (id: string) => api.post<Alert>(`/alerts/${id}/acknowledge`),
  settings: () => api.get<AlertSettingsView>('/alert-settings'),
  saveSettings: (settings: AlertSettings) => api.put<AlertSettingsView>('/alert-settings', settings),
};

export const alertQueries = {
  list: (state: 'open' | 'cleared', page = 1) => queryOptions({ queryKey: ['alerts', state, page] as const, queryFn: () => alertsApi.list(state, page) }),
  settings: () => queryOptions({ queryKey: ['alerts', 'settings'] as const, queryFn: alertsApi.settings }),
};
