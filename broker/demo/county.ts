// The demo county: the hall of the seed case (docs: /work/shared/DOMAIN.md, Huantai county) —
// one county center with 248 windows across 17 departments, and 9 town centers — as plain
// data, so the loader and its test agree on every figure.

export interface DemoDepartment {
  code: string;
  name: string;
  /** windows of this department in the county hall */
  windows: number;
  /** letter of its counter zone on the hall floor */
  zone: string;
}

/** 17 departments, 248 county windows in all (checked by COUNTY_WINDOWS below). */
export const DEPARTMENTS: DemoDepartment[] = [
  { code: 'GAJ', name: '公安局', windows: 26, zone: 'A' },
  { code: 'RSJ', name: '人社局', windows: 22, zone: 'B' },
  { code: 'YBJ', name: '医保局', windows: 18, zone: 'C' },
  { code: 'BDC', name: '不动产登记中心', windows: 24, zone: 'D' },
  { code: 'SWJ', name: '税务局', windows: 24, zone: 'E' },
  { code: 'SCJ', name: '市场监管局', windows: 20, zone: 'F' },
  { code: 'ZJJ', name: '住建局', windows: 12, zone: 'G' },
  { code: 'ZRZY', name: '自然资源局', windows: 10, zone: 'H' },
  { code: 'MZJ', name: '民政局', windows: 10, zone: 'J' },
  { code: 'WJJ', name: '卫健局', windows: 10, zone: 'K' },
  { code: 'GJJ', name: '公积金管理中心', windows: 12, zone: 'L' },
  { code: 'GGZY', name: '公共资源交易中心', windows: 8, zone: 'M' },
  { code: 'JTJ', name: '交通运输局', windows: 8, zone: 'N' },
  { code: 'SFJ', name: '司法局', windows: 6, zone: 'P' },
  { code: 'SDQ', name: '水电气联办', windows: 10, zone: 'Q' },
  { code: 'CRJ', name: '出入境管理大队', windows: 8, zone: 'R' },
  { code: 'ZHSL', name: '行政审批服务局', windows: 20, zone: 'S' },
];

export const COUNTY = { code: 'HT-ZWFW', name: '桓台县政务服务中心', address: '桓台县少海路与建设街交叉口' };
export const COUNTY_WINDOWS = DEPARTMENTS.reduce((n, d) => n + d.windows, 0);

export interface DemoTown {
  code: string;
  name: string;
  login: string;
}

/** 9 town centers (镇便民服务中心), each with a site-admin and a few windows. */
export const TOWNS: DemoTown[] = [
  { code: 'SZ', name: '索镇便民服务中心', login: 'suozhen' },
  { code: 'GL', name: '果里镇便民服务中心', login: 'guoli' },
  { code: 'TS', name: '唐山镇便民服务中心', login: 'tangshan' },
  { code: 'JJ', name: '荆家镇便民服务中心', login: 'jingjia' },
  { code: 'MQ', name: '马桥镇便民服务中心', login: 'maqiao' },
  { code: 'XC', name: '新城镇便民服务中心', login: 'xincheng' },
  { code: 'QF', name: '起凤镇便民服务中心', login: 'qifeng' },
  { code: 'TZ', name: '田庄镇便民服务中心', login: 'tianzhuang' },
  { code: 'CZ', name: '陈庄镇便民服务中心', login: 'chenzhuang' },
];

/** departments every town center serves (六统一: the same service list as the county) */
export const TOWN_DEPARTMENTS = ['ZHSL', 'RSJ', 'YBJ'];
export const TOWN_WINDOWS = 6;

/** clerks per window of a department in the county (the rest of the windows stay free) */
export const CLERKS_PER_WINDOW = 0.45;

const SURNAMES =
  '王李张刘陈杨赵黄周吴徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤'.split(
    '',
  );
const GIVEN =
  '伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉萍红鹏飞建波宁琳雪梅婷慧晨浩宇欣然佳怡子涵文博思雨嘉明俊杰晓东海燕春兰志强凤霞丹丹国庆红梅'.split('');

/** The n-th clerk's name: deterministic, realistic, rarely repeated within a hall. */
export function clerkName(n: number): string {
  const surname = SURNAMES[(n * 7) % SURNAMES.length];
  const first = GIVEN[(n * 13) % GIVEN.length];
  const second = n % 3 === 0 ? '' : GIVEN[(n * 31 + 5) % GIVEN.length];
  return `${surname}${first}${second}`;
}

export interface Seat {
  code: string;
  departmentCode: string;
  area: string;
  posX: number;
  posY: number;
}

/** counters per row of the hall, and the aisle column in the middle of each row */
const ROW_WIDTH = 12;
const AISLE_COLUMN = 6;

/**
 * The county hall's floor: counter rows of 12 seats with a walkway in the middle, an empty row
 * (an aisle) between counter rows; each department's windows follow one another, numbered by
 * its zone letter (A-001 …).
 */
export function countySeats(): Seat[] {
  const seats: Seat[] = [];
  let slot = 0;
  for (const d of DEPARTMENTS) {
    for (let i = 1; i <= d.windows; i++, slot++) {
      const row = Math.floor(slot / ROW_WIDTH);
      const col = slot % ROW_WIDTH;
      seats.push({
        code: `${d.zone}-${String(i).padStart(3, '0')}`,
        departmentCode: d.code,
        area: `${d.zone}区 ${d.name}`,
        posX: col >= AISLE_COLUMN ? col + 1 : col,
        posY: row * 2,
      });
    }
  }
  return seats;
}

/** A town hall: one counter row, two windows per department. */
export function townSeats(): Seat[] {
  return Array.from({ length: TOWN_WINDOWS }, (_, i) => {
    const departmentCode = TOWN_DEPARTMENTS[i % TOWN_DEPARTMENTS.length] ?? 'ZHSL';
    return { code: `${String(i + 1).padStart(2, '0')}`, departmentCode, area: '便民服务大厅', posX: i, posY: 0 };
  });
}
