import { useState } from 'react';
import type { RatingTag } from '@yunzhuo/protocol/api/rating-words';
import { useI18n } from '../i18n/i18n';

export interface Details {
  tags: string[];
  comment: string;
  /** absent: 匿名 */
  rater?: { name: string; phone?: string };
}

/** After a level: its tags (from the county's tag set), optional words, 实名 or 匿名, 提交评价. */
export function RatingDetails({ tags, bad, onTouch, onSubmit }: { tags: RatingTag[]; bad: boolean; onTouch(): void; onSubmit(details: Details): void }) {
  const { t } = useI18n();
  const [chosen, setChosen] = useState<string[]>([]);
  const [comment, setComment] = useState('');
  const [realName, setRealName] = useState(false);
  const [name, setName] = useState('');
  const [phone, setPhone] = useState('');
  const toggle = (code: string) => {
    onTouch();
    setChosen((current) => (current.includes(code) ? current.filter((c) => c !== code) : [...current, code]));
  };
  const submit = () => {
    const rater = realName && name.trim() ? { name: name.trim(), ...(phone.trim() ? { phone: phone.trim() } : {}) } : undefined;
    onSubmit({ tags: chosen, comment, ...(rater ? { rater } : {}) });
  };

  return (
    <div className="rating-reasons" data-testid="rating-reasons" onInput={onTouch}>
      <h3>{t(bad ? 'rating.reasonsTitle' : 'rating.tagsTitle')}</h3>
      {tags.map((tag) => (
        <button
          key={tag.code}
          type="button"
          className={`rating-reason${bad ? ' rating-reason-bad' : ''}`}
          aria-pressed={chosen.includes(tag.code)}
          data-tag={tag.code}
          onClick={() => toggle(tag.code)}
        >
          {tag.label}
        </button>
      ))}
      <textarea
        className="rating-comment"
        data-testid="rating-comment"
        maxLength={300}
        rows={2}
        placeholder={t('rating.commentHint')}
        value={comment}
        onChange={(e) => setComment(e.target.value)}
      />
      <label className="rating-real-name">
        <input type="checkbox" data-testid="rating-real-name" checked={realName} onChange={(e) => setRealName(e.target.checked)} />
        {t('rating.realName')}
      </label>
      {realName && (
        <div className="rating-rater">
          <input data-testid="rater-name" maxLength={50} placeholder={t('rating.raterName')} value={name} onChange={(e) => setName(e.target.value)} />
          <input
            data-testid="rater-phone"
            inputMode="numeric"
            maxLength={11}
            placeholder={t('rating.raterPhone')}
            value={phone}
            onChange={(e) => setPhone(e.target.value)}
          />
        </div>
      )}
      <button type="button" className="btn-primary" data-testid="rating-submit" onClick={submit}>
        {t('rating.submit')}
      </button>
    </div>
  );
}
