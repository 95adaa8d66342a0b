import assert from 'node:assert/strict';
import { ERRORS } from '../../protocol/src/errors.js';
import {
  CLASS_OF_OP,
  DEVICE_ERROR_CODES,
  deviceErrorSchema,
  deviceHelloSchema,
  deviceRequestSchema,
  deviceResponseSchema,
  helloFor,
  idCardSchema,
} from '../../protocol/src/devices/index.js';
import { SAMPLE_CARD } from '../helpers/id-card-sample.js';

describe('device channel messages', () => {
  it('fills request defaults and refuses unknown ops and fields', () => {
    assert.deepEqual(deviceRequestSchema.parse({ op: 'camera.still' }), { op: 'camera.still', width: 1920, height: 1080 });
    assert.deepEqual(deviceRequestSchema.parse({ op: 'idcard.read' }), { op: 'idcard.read', withPhoto: true });
    assert.equal(deviceRequestSchema.safeParse({ op: 'printer.print' }).success, false);
    assert.equal(deviceRequestSchema.safeParse({ op: 'devices.list', extra: 1 }).success, false);
    assert.equal(deviceRequestSchema.safeParse({ op: 'camera.still', width: 100000, height: 1080 }).success, false);
  });

  it('names the device class each op needs', () => {
    assert.equal(CLASS_OF_OP['idcard.read'], 'idcard');
    assert.equal(CLASS_OF_OP['camera.still'], 'camera');
    assert.equal(CLASS_OF_OP['devices.list'], null);
  });

  it('checks the fields of an ID card', () => {
    assert.equal(idCardSchema.safeParse(SAMPLE_CARD).success, true);
    assert.equal(idCardSchema.safeParse({ ...SAMPLE_CARD, validTo: '长期' }).success, true);
    assert.equal(idCardSchema.safeParse({ ...SAMPLE_CARD, idNumber: '37032119900307123x' }).success, false);
    assert.equal(idCardSchema.safeParse({ ...SAMPLE_CARD, birthDate: '1990-03-07' }).success, false);
    assert.equal(deviceResponseSchema.safeParse({ op: 'idcard.read', card: { ...SAMPLE_CARD, photoJpeg: 'not base64!' } }).success, false);
  });

  it('has a Chinese message in the one error vocabulary for every device error code', () => {
    for (const code of DEVICE_ERROR_CODES) {
      assert.match(ERRORS[code].zh, /[\u4e00-\u9fff]/, code);
      assert.equal(deviceErrorSchema.safeParse({ code, message: ERRORS[code].zh }).success, true);
    }
    assert.equal(deviceErrorSchema.safeParse({ code: 'NOT_FOUND', message: 'x' }).success, false);
  });

  it('says hello with the framing version', () => {
    assert.deepEqual(deviceHelloSchema.parse(helloFor('window', { classes: ['idcard'] })), { version: 1, role: 'window', classes: ['idcard'] });
    assert.equal(deviceHelloSchema.safeParse({ version: 0, role: 'desk' }).success, false);
  });
});
