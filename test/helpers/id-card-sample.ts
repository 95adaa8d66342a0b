import type { IdCard } from '../../protocol/src/devices/index.js';

/** A made-up card (the number's checksum is not real); the reader simulator holds it. */
export const SAMPLE_CARD = {
  name: '张三',
  sex: '男',
  nation: '汉',
  birthDate: '19900307',
  address: '山东省淄博市桓台县索镇中心路1号',
  idNumber: '370321199003071234',
  issuer: '桓台县公安局',
  validFrom: '20150101',
  validTo: '20350101',
} as const satisfies IdCard;
