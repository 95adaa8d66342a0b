import { useI18n } from '../../i18n/i18n';
import { useLookups } from '../../modules/lookups/lookups';
import { useOptions } from '../../modules/lookups/options';

/** A site, and optionally one hall area of it; `area` is '' for the whole site. */
export interface SiteArea {
  siteId: string;
  area: string;
}

export const NO_SITE_AREA: SiteArea = { siteId: '', area: '' };

/**
 * The two selects that say which terminals a bulk command or a power schedule is for: a site,
 * then one of the areas its windows are in (or all). Choosing another site clears the area.
 * The selects are `<testIdPrefix>-site` and `<testIdPrefix>-area` for the browser tests.
 */
export function SiteAreaPicker({ value, onChange, testIdPrefix }: { value: SiteArea; onChange: (next: SiteArea) => void; testIdPrefix: string }) {
  const { t } = useI18n();
  const options = useOptions();
  const lookups = useLookups({ accounts: false });
  const { siteId, area } = value;
  const areas = [...new Set([...lookups.window.values()].filter((w) => w.siteId === siteId && w.area).map((w) => w.area!))].sort();
  return (
    <>
      <select value={siteId} onChange={(e) => onChange({ siteId: e.target.value, area: '' })} aria-label={t('bulk.site')} data-testid={`${testIdPrefix}-site`}>
        <option value="">{t('bulk.site')}</option>
        {options.site.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
      <select value={area} onChange={(e) => onChange({ siteId, area: e.target.value })} aria-label={t('bulk.area')} data-testid={`${testIdPrefix}-area`}>
        <option value="">{t('bulk.allAreas')}</option>
        {areas.map((a) => (
          <option key={a} value={a}>
            {a}
          </option>
        ))}
      </select>
    </>
  );
}
