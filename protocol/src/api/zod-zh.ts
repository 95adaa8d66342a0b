import { z } from 'zod';

/**
 * Validation messages in Chinese, for every problem zod can report on an API body, a query or a
 * CSV row: the console shows them beside the field under zh-CN (issue 17). Plain words a clerk's
 * admin understands, never the type names of JavaScript. A schema's own message wins over these.
 */
const TYPE_NAMES: Record<string, string> = {
  string: '文字',
  number: '数字',
  int: '整数',
  bigint: '整数',
  boolean: '是/否',
  array: '列表',
  object: '对象',
  date: '日期',
  null: '空值',
  undefined: '未填写',
  nan: '数字',
  file: '文件',
  map: '对象',
  set: '列表',
};
const FORMAT_NAMES: Record<string, string> = {
  uuid: '编号（UUID）',
  guid: '编号（UUID）',
  email: '电子邮件地址',
  url: '网址',
  ipv4: 'IPv4 地址',
  ipv6: 'IPv6 地址',
  datetime: '日期时间',
  date: '日期',
  time: '时间',
  duration: '时长',
  base64: 'Base64 文本',
  jwt: '令牌',
  cidrv4: 'IPv4 网段',
  cidrv6: 'IPv6 网段',
};

const typeName = (t: string) => TYPE_NAMES[t] ?? '正确的类型';

function tooSmall(issue: { origin?: string; minimum: number | bigint; inclusive?: boolean }): string {
  const min = Number(issue.minimum);
  switch (issue.origin) {
    case 'string':
      return min <= 1 ? '不能为空' : `至少 ${min} 个字符`;
    case 'array':
    case 'set':
      return min <= 1 ? '至少选择一项' : `至少选择 ${min} 项`;
    case 'file':
      return `文件至少 ${min} 字节`;
    default:
      return issue.inclusive === false ? `必须大于 ${min}` : `不能小于 ${min}`;
  }
}

function tooBig(issue: { origin?: string; maximum: number | bigint; inclusive?: boolean }): string {
  const max = Number(issue.maximum);
  switch (issue.origin) {
    case 'string':
      return `最多 ${max} 个字符`;
    case 'array':
    case 'set':
      return `最多 ${max} 项`;
    case 'file':
      return `文件最大 ${max} 字节`;
    default:
      return issue.inclusive === false ? `必须小于 ${max}` : `不能大于 ${max}`;
  }
}

export const zhErrorMap: z.core.$ZodErrorMap = (issue) => {
  switch (issue.code) {
    case 'invalid_type':
      if (issue.input === undefined) return '必填';
      if (issue.input === null) return '不能为空';
      return `应为${typeName(issue.expected)}`;
    case 'too_small':
      return tooSmall(issue);
    case 'too_big':
      return tooBig(issue);
    case 'invalid_format':
      if (issue.format === 'regex') return '格式不正确';
      if (issue.format === 'starts_with' || issue.format === 'ends_with' || issue.format === 'includes') return '格式不正确';
      return `不是有效的${FORMAT_NAMES[issue.format] ?? '格式'}`;
    case 'invalid_value':
      return issue.values.length === 1 ? `只能是 ${String(issue.values[0])}` : `只能是以下之一：${issue.values.map(String).join('、')}`;
    case 'not_multiple_of':
      return `必须是 ${String(issue.divisor)} 的倍数`;
    case 'unrecognized_keys':
      return `不认识的字段：${issue.keys.join('、')}`;
    case 'invalid_key':
      return '字段名不正确';
    case 'invalid_element':
      return '其中有不正确的项';
    case 'invalid_union':
      return '内容不符合要求';
    default:
      return '内容不符合要求';
  }
};

/** `schema.safeParse` with the Chinese messages above. */
export function safeParseZh<T extends z.ZodTypeAny>(schema: T, value: unknown): z.ZodSafeParseResult<z.output<T>> {
  return schema.safeParse(value, { error: zhErrorMap });
}
