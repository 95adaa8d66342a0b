import { PadDriver } from './pad-service.client.js';

export const DEFAULT_RATING_PAD_URL = 'http://127.0.0.1:24021/rating-pad';

/**
 * The rating pad (评价器) facing the citizen: the business system inside the desktop triggers
 * it when a service ends (一次一评); the pad lights its buttons and the citizen's press comes
 * back as a level, 5 非常满意 … 1 非常不满意 (`POST <base>/invite {caseNumber, itemCode}` → `{ level }`).
 */
export class RatingPadDriver extends PadDriver {
  constructor(baseUrl = DEFAULT_RATING_PAD_URL, timeoutMs = 120_000) {
    super(
      {
        deviceClass: 'rating',
        op: 'rating.invite',
        action: 'invite',
        body: (request) => {
          if (request.op !== 'rating.invite') return {};
          const { op: _op, ...invitation } = request;
          return invitation;
        },
        response: (answer) => ({ op: 'rating.invite', level: answer?.level }),
      },
      baseUrl,
      timeoutMs,
    );
  }
}
