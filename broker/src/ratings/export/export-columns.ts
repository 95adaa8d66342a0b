import { isBadLevel, RATING_CHANNEL_WORDS, RATING_LEVEL_WORDS, WORK_ORDER_STATE_WORDS } from '@yunzhuo/protocol/api/rating-words';
import type { Rating } from '../rating.model.js';
import type { RatingWorkOrder } from '../work-order.model.js';
import { lateness } from '../work-order.presenter.js';
import type { ExportNames } from './export-names.js';

/** Everything one export needs to write a row, beyond the row. */
export interface ExportContext {
  names: ExportNames;
  /** 'YYYY-MM-DD HH:mm:ss' in the hall's time zone */
  time(at: Date | null): string;
  now: number;
}

export const hallTime = (timeZone: string) => {
  const format = new Intl.DateTimeFormat('sv-SE', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hour12: false,
  });
  return (at: Date | null) => (at ? format.format(at) : '');
};

const level = (l: number) => `${l} ${RATING_LEVEL_WORDS[l as keyof typeof RATING_LEVEL_WORDS]?.zh ?? ''}`.trim();
const yesNo = (b: boolean) => (b ? '是' : '否');

/** One column of an export: its Chinese header (the national field's name), its width in Excel characters, its cell. */
export interface ExportColumn<R> {
  header: string;
  width: number;
  cell: (row: R, ctx: ExportContext) => string;
}
const col = <R>(header: string, width: number, cell: ExportColumn<R>['cell']): ExportColumn<R> => ({ header, width, cell });

/** A rating as the hall's assessment reads it (GB/T 39735 fields first). The rater's name and number stay out. */
export const RATING_COLUMNS = [
  col<Rating>('评价编号', 38, (r) => r.id),
  col<Rating>('事项编码', 24, (r) => r.itemCode ?? ''),
  col<Rating>('办件编号', 24, (r) => r.caseNumber ?? ''),
  col<Rating>('评价等级', 12, (r) => level(r.level)),
  col<Rating>('是否差评', 8, (r) => yesNo(isBadLevel(r.level))),
  col<Rating>('标签', 30, (r, c) => c.names.tags(r.tagSetVersion, r.level, r.tags ?? [])),
  col<Rating>('评价内容', 40, (r) => r.comment ?? ''),
  col<Rating>('评价方式', 8, (r) => (r.anonymous ? '匿名' : '实名')),
  col<Rating>('窗口', 14, (r, c) => c.names.of('window', r.windowId)),
  col<Rating>('工作人员', 18, (r, c) => c.names.of('account', r.accountId)),
  col<Rating>('部门', 18, (r, c) => c.names.of('department', r.departmentId)),
  col<Rating>('站点', 18, (r, c) => c.names.of('site', r.siteId)),
  col<Rating>('渠道', 12, (r) => RATING_CHANNEL_WORDS[r.channel]?.zh ?? r.channel),
  col<Rating>('评价时间', 20, (r, c) => c.time(r.createdAt)),
  col<Rating>('申诉复核排除', 12, (r) => yesNo(r.excluded ?? false)),
];

export interface OrderRow {
  order: RatingWorkOrder;
  rating: Rating | undefined;
}

/** A 差评 work order with the rating it follows up and whether each step is late. */
export const WORK_ORDER_COLUMNS = [
  col<OrderRow>('工单编号', 38, (r) => r.order.id),
  col<OrderRow>('评价编号', 38, (r) => r.order.ratingId),
  col<OrderRow>('事项编码', 24, (r) => r.rating?.itemCode ?? ''),
  col<OrderRow>('办件编号', 24, (r) => r.rating?.caseNumber ?? ''),
  col<OrderRow>('评价等级', 12, (r) => (r.rating ? level(r.rating.level) : '')),
  col<OrderRow>('标签', 30, (r, c) => (r.rating ? c.names.tags(r.rating.tagSetVersion, r.rating.level, r.rating.tags ?? []) : '')),
  col<OrderRow>('工单状态', 10, (r) => WORK_ORDER_STATE_WORDS[r.order.state].zh),
  col<OrderRow>('窗口', 14, (r, c) => c.names.of('window', r.order.windowId)),
  col<OrderRow>('工作人员', 18, (r, c) => c.names.of('account', r.order.accountId)),
  col<OrderRow>('部门', 18, (r, c) => c.names.of('department', r.order.departmentId)),
  col<OrderRow>('站点', 18, (r, c) => c.names.of('site', r.order.siteId)),
  col<OrderRow>('创建时间', 20, (r, c) => c.time(r.order.createdAt)),
  col<OrderRow>('回访期限', 20, (r, c) => c.time(r.order.visitDueAt)),
  col<OrderRow>('回访时间', 20, (r, c) => c.time(r.order.visitedAt)),
  col<OrderRow>('回访逾期', 8, (r, c) => yesNo(lateness(r.order, c.now).visitOverdue)),
  col<OrderRow>('整改期限', 20, (r, c) => c.time(r.order.rectifyDueAt)),
  col<OrderRow>('整改时间', 20, (r, c) => c.time(r.order.rectifiedAt)),
  col<OrderRow>('整改逾期', 8, (r, c) => yesNo(lateness(r.order, c.now).rectifyOverdue)),
  col<OrderRow>('申诉时间', 20, (r, c) => c.time(r.order.appealedAt)),
  col<OrderRow>('复核结果', 10, (r) => (r.order.reviewDecision === 'exclude' ? '排除' : r.order.reviewDecision === 'keep' ? '维持' : '')),
  col<OrderRow>('追评等级', 12, (r) => (r.order.followUpLevel ? level(r.order.followUpLevel) : '')),
];
