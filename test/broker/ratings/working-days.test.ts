import assert from 'node:assert/strict';
import { workingDayDeadline } from '../../../broker/src/ratings/working-days.js';

const TZ = 'Asia/Shanghai';
const at = (iso: string) => Date.parse(iso);

describe('working-day deadlines (回访 / 整改 within N working days)', () => {
  it('counts from the day after the rating, skips the weekend, ends at local midnight', () => {
    // Thu 2026-12-03 15:00 in the hall; 3 working days: Fri 4, Mon 7, Tue 8 → due at the end of Tue 8
    const due = workingDayDeadline(at('2026-12-03T15:00:00+08:00'), 3, TZ, new Map());
    assert.equal(due.toISOString(), new Date('2026-12-09T00:00:00+08:00').toISOString());
  });

  it('a rating late in the evening belongs to its local day, not the UTC one', () => {
    // 2026-12-04 23:30 in Shanghai is still Friday there (15:30 UTC)
    const due = workingDayDeadline(at('2026-12-04T23:30:00+08:00'), 1, TZ, new Map());
    assert.equal(due.toISOString(), new Date('2026-12-08T00:00:00+08:00').toISOString());
  });

  it("the county's holidays are skipped and its make-up working days (调休) count", () => {
    // the county lists 元旦 (Fri 1 Jan) and Mon 4 Jan as holidays and Sun 10 Jan as a 调休 working day
    const listed = new Map<string, 'holiday' | 'workday'>([
      ['2027-01-01', 'holiday'],
      ['2027-01-04', 'holiday'],
      ['2027-01-10', 'workday'],
    ]);
    // Thu 31 Dec; 1 working day: Fri 1 (holiday), Sat, Sun, Mon 4 (holiday) → Tue 5
    assert.equal(workingDayDeadline(at('2026-12-31T10:00:00+08:00'), 1, TZ, listed).toISOString(), new Date('2027-01-06T00:00:00+08:00').toISOString());
    // Thu 7 Jan; 2 working days: Fri 8, Sat 9 off, Sun 10 调休 → due at the end of Sun 10
    assert.equal(workingDayDeadline(at('2027-01-07T10:00:00+08:00'), 2, TZ, listed).toISOString(), new Date('2027-01-11T00:00:00+08:00').toISOString());
  });
});
