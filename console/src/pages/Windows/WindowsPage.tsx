import { windows } from '../../api/resources';
import type { HallWindow } from '../../api/types';
import { useT } from '../../i18n/i18n';
import { useLookups } from '../../modules/lookups/lookups';
import { useOptions } from '../../modules/lookups/options';
import { ResourcePage } from '../../modules/resource-page/ResourcePage';
import { printerDefaults, printerFields, printerValues, withPrinter } from './window-printer-form';

export function WindowsPage() {
  const t = useT();
  const lookups = useLookups({ accounts: false, windows: false });
  const options = useOptions();
  return (
    <ResourcePage<HallWindow>
      testId="page-windows"
      title="nav.windows"
      subtitle="window.subtitle"
      resource={windows}
      importKind="windows"
      pageSize={100}
      nameOf={(w) => w.code}
      filters={[
        { name: 'q', label: 'common.search', kind: 'text' },
        { name: 'siteId', label: 'window.site', kind: 'select', options: options.site },
        { name: 'departmentId', label: 'window.department', kind: 'select', options: options.department },
      ]}
      columns={[
        { key: 'code', sortKey: 'code', header: t('window.code'), render: (w) => <code>{w.code}</code>, width: 100 },
        { key: 'label', header: t('window.label'), render: (w) => w.label ?? '—' },
        { key: 'site', header: t('window.site'), render: (w) => lookups.siteName(w.siteId) },
        { key: 'dept', header: t('window.department'), render: (w) => (w.departmentId ? lookups.departmentName(w.departmentId) : t('window.anyDepartment')) },
        { key: 'area', header: t('window.area'), render: (w) => w.area ?? '—', width: 80 },
        {
          key: 'printer',
          header: t('window.printer'),
          render: (w) => (w.printer ? `${w.printer.name} · ${t(`window.printerPaper.${w.printer.paper}`)}` : t('window.noPrinter')),
        },
        { key: 'pos', header: t('window.position'), render: (w) => `${w.posX}, ${w.posY}`, width: 80, align: 'right' },
      ]}
      defaults={{ posX: 0, posY: 0, ...printerDefaults }}
      toValues={(w) => ({ ...w, ...printerValues(w.printer) })}
      toBody={withPrinter}
      fields={[
        { name: 'siteId', label: 'window.site', kind: 'select', options: options.site, required: true },
        { name: 'code', label: 'window.code', kind: 'text', required: true, placeholder: 'A-012' },
        { name: 'label', label: 'window.label', kind: 'text', nullable: true },
        { name: 'departmentId', label: 'window.department', kind: 'select', options: options.department, nullable: true, help: 'window.departmentHelp' },
        { name: 'area', label: 'window.area', kind: 'text', nullable: true },
        { name: 'posX', label: 'window.posX', kind: 'number', min: 0, max: 1000 },
        { name: 'posY', label: 'window.posY', kind: 'number', min: 0, max: 1000 },
        ...printerFields(t),
      ]}
    />
  );
}
