import { useState } from 'react';
import { isBadLevel, RATING_LEVELS, type RatingLevel } from '@yunzhuo/protocol/api/rating-words';
import { useI18n } from '../i18n/i18n';
import { RatingDetails, type Details } from '../rating/RatingDetails';
import { RatingFace } from '../rating/RatingFace';
import type { PadState } from './pad-api';

type Invitation = NonNullable<PadState['invitation']>;

/** The five levels on the pad, then the level's tags (差评: the reasons), words, 实名 or 匿名. */
export function PadCard({ invitation, onTouch, onRate }: { invitation: Invitation; onTouch(): void; onRate(level: RatingLevel, details: Details): void }) {
  const { t } = useI18n();
  const [level, setLevel] = useState<RatingLevel | null>(null);
  return (
    <section className="rating-card pad-card" data-testid="rating-card" data-invitation={invitation.id} aria-labelledby="pad-card-title">
      {invitation.queueNumber && (
        <p className="pad-card-number" data-testid="pad-card-number">
          {t('pad.cardNumber', { number: invitation.queueNumber })}
        </p>
      )}
      <h2 id="pad-card-title">{t('rating.title')}</h2>
      <div className="rating-scores">
        {RATING_LEVELS.map((l) => (
          <button
            key={l}
            type="button"
            className={`rating-score rating-level-${l}`}
            aria-pressed={level === l}
            data-level={l}
            onClick={() => {
              onTouch();
              setLevel(l);
            }}
          >
            <RatingFace level={l} />
            {t(`rating.level.${l}`)}
          </button>
        ))}
      </div>
      {level !== null && (
        <RatingDetails
          key={level}
          tags={invitation.tagSet.tags.filter((tag) => tag.level === level)}
          bad={isBadLevel(level)}
          onTouch={onTouch}
          onSubmit={(details) => onRate(level, details)}
        />
      )}
    </section>
  );
}
