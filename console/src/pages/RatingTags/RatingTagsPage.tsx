import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { isBadLevel, RATING_LEVELS, type RatingLevel } from '@yunzhuo/protocol/api/rating-words';
import { followUpApi, followUpQueries, type RatingTag, type TagSet } from '../../api/rating-follow-up';
import { Badge } from '../../components/Badge';
import { useFeedback } from '../../components/Feedback';
import { Card, PageHeader } from '../../components/PageHeader';
import { QueryView } from '../../components/QueryView';
import { useI18n } from '../../i18n/i18n';
import { formatDateTime } from '../../i18n/core/format';
import { useAuth } from '../../modules/auth/AuthProvider';
import { useLookups } from '../../modules/lookups/lookups';

const CODE = /^[A-Za-z0-9][A-Za-z0-9-]*$/;

/**
 * 评价标签: the tags the card offers per level (差评 reasons for 不满意 and 非常不满意). Every save
 * publishes a new version (a card keeps the version it showed); only the county edits.
 */
export function RatingTagsPage() {
  const { t } = useI18n();
  const sets = useQuery(followUpQueries.tagSets());
  return (
    <div data-testid="page-rating-tags">
      <PageHeader title={t('nav.ratingTags')} subtitle={t('tags.subtitle')} />
      <QueryView query={sets}>
        {(data) => (
          <>
            {data.items[0] && <TagEditor key={data.items[0].version} current={data.items[0]} />}
            <Card title={t('tags.history')}>
              <ul className="tag-history">
                {data.items.map((s) => (
                  <li key={s.version}>
                    <Badge tone={s === data.items[0] ? 'ok' : 'muted'}>v{s.version}</Badge> {formatDateTime(s.createdAt)} ·{' '}
                    {t('tags.count', { count: s.tags.length })}
                  </li>
                ))}
              </ul>
            </Card>
          </>
        )}
      </QueryView>
    </div>
  );
}

function TagEditor({ current }: { current: TagSet }) {
  const { t } = useI18n();
  const { isCountyAdmin } = useAuth();
  const lookups = useLookups({ windows: false });
  const feedback = useFeedback();
  const queryClient = useQueryClient();
  const [tags, setTags] = useState<RatingTag[]>(current.tags);
  const [busy, setBusy] = useState(false);
  useEffect(() => setTags(current.tags), [current]);
  const changed = JSON.stringify(tags) !== JSON.stringify(current.tags);
  const duplicate = (tag: RatingTag, i: number) => tags.some((o, j) => j !== i && o.level === tag.level && o.code === tag.code);
  const valid = tags.length > 0 && tags.every((tag, i) => CODE.test(tag.code) && tag.label.trim() !== '' && !duplicate(tag, i));
  const update = (i: number, patch: Partial<RatingTag>) => setTags((all) => all.map((tag, j) => (j === i ? { ...tag, ...patch } : tag)));

  const publish = async () => {
    setBusy(true);
    try {
      const saved = await followUpApi.publishTagSet(tags.map((tag) => ({ ...tag, label: tag.label.trim() })));
      feedback.ok(t('tags.published', { version: saved.version }));
      await queryClient.invalidateQueries({ queryKey: ['rating-tag-sets'] });
    } catch (err) {
      feedback.error(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Card
      title={t('tags.current', { version: current.version, by: current.createdBy ? lookups.accountName(current.createdBy) : t('tags.initial') })}
      actions={
        isCountyAdmin && (
          <>
            <button className="btn" disabled={!changed || busy} onClick={() => setTags(current.tags)}>
              {t('tags.reset')}
            </button>
            <button className="btn btn-primary" data-testid="tags-publish" disabled={!changed || !valid || busy} onClick={() => void publish()}>
              {t('tags.publish')}
            </button>
          </>
        )
      }
    >
      <p className="field-help">{t('tags.rules')}</p>
      {RATING_LEVELS.map((level: RatingLevel) => (
        <section key={level} className="tag-level" data-testid={`tags-level-${level}`}>
          <h4>
            {t(`rating.level.${level}`)} {isBadLevel(level) && <Badge tone="bad">{t('tags.bad')}</Badge>}
          </h4>
          {tags.map((tag, i) =>
            tag.level !== level ? null : (
              <div key={i} className="tag-row">
                <input
                  aria-label={t('tags.code')}
                  placeholder={t('tags.code')}
                  value={tag.code}
                  disabled={!isCountyAdmin}
                  maxLength={40}
                  className={CODE.test(tag.code) && !duplicate(tag, i) ? '' : 'invalid'}
                  onChange={(e) => update(i, { code: e.target.value.trim() })}
                />
                <input
                  aria-label={t('tags.label')}
                  placeholder={t('tags.label')}
                  value={tag.label}
                  disabled={!isCountyAdmin}
                  maxLength={30}
                  onChange={(e) => update(i, { label: e.target.value })}
                />
                {isCountyAdmin && (
                  <button className="btn btn-small btn-danger-outline" onClick={() => setTags((all) => all.filter((_, j) => j !== i))}>
                    {t('common.delete')}
                  </button>
                )}
              </div>
            ),
          )}
          {isCountyAdmin && (
            <button className="btn btn-small" data-testid={`tags-add-${level}`} onClick={() => setTags((all) => [...all, { level, code: '', label: '' }])}>
              {t('tags.add')}
            </button>
          )}
        </section>
      ))}
    </Card>
  );
}
