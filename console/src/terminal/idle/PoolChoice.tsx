import { useI18n } from '../i18n/i18n';

export interface PoolOption {
  id: string;
  name: string;
  departmentId: string;
}

/** The clerk may use several departments' desktops: one large button each, last choice first. */
export function PoolChoice({
  pools,
  remembered,
  busy,
  onChoose,
  onBack,
}: {
  pools: PoolOption[];
  remembered: string | null;
  busy: boolean;
  onChoose(poolId: string): void;
  onBack(): void;
}) {
  const { t } = useI18n();
  const ordered = [...pools].sort((a, b) => Number(b.id === remembered) - Number(a.id === remembered));
  return (
    <div className="pool-choice" data-testid="pool-choice">
      <h2>{t('login.choosePool')}</h2>
      <ul>
        {ordered.map((pool, i) => (
          <li key={pool.id}>
            <button type="button" className="pool-button" disabled={busy} autoFocus={i === 0} data-pool-id={pool.id} onClick={() => onChoose(pool.id)}>
              <span className="pool-index">{i + 1}</span>
              <span className="pool-name">{pool.name}</span>
              {pool.id === remembered && <span className="pool-tag">{t('login.lastChoice')}</span>}
            </button>
          </li>
        ))}
      </ul>
      <button type="button" className="btn-secondary" onClick={onBack} disabled={busy}>
        {t('login.back')}
      </button>
    </div>
  );
}
