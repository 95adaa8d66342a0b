import assert from 'node:assert/strict';
import { DeskLink } from '../../agent/src/desk/desk-link.js';
import { parseDeskArgs } from '../../agent/src/desk/desk-args.js';
import { WTS_LIBRARIES, WtsChannelPort } from '../../agent/src/desk/wts-channel.port.js';
import { ZkIdrApi } from '../../agent/src/desk/zk-idr.api.js';
import { eventually } from '../helpers/eventually.js';
import { FakeWindow, MemoryChannel, type WindowAnswer } from '../helpers/device-channel-fakes.js';
import { SAMPLE_CARD } from '../helpers/id-card-sample.js';

const PHOTO = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3, 0xff, 0xd9]).toString('base64');
const cardReader: WindowAnswer = (request) =>
  request.op === 'idcard.read'
    ? { op: 'idcard.read', card: { ...SAMPLE_CARD, photoJpeg: PHOTO } }
    : { error: { code: 'DEVICE_ABSENT', message: '窗口未连接该设备' } };

describe('yunzhuo-desk: the ZKIDROnline API over the device channel', () => {
  let channel: MemoryChannel;
  let window: FakeWindow;
  let link: DeskLink;
  let api: ZkIdrApi;
  let base: string;

  async function start(answer: WindowAnswer = cardReader, options: ConstructorParameters<typeof DeskLink>[1] = {}, acks = false): Promise<void> {
    channel = new MemoryChannel();
    window = new FakeWindow(channel, answer, undefined, acks);
    link = new DeskLink(channel, { readSliceMs: 20, ...options });
    api = new ZkIdrApi(link);
    base = `http://127.0.0.1:${await api.listen(0)}/ZKIDROnline`;
  }

  afterEach(async () => {
    link?.close();
    await api?.close();
  });

  const scan = async (): Promise<{ status: number; headers: Headers; body: Record<string, unknown> }> => {
    const res = await fetch(`${base}/ScanReadIdCardInfo?OP-DEV=1&CMD-URL=4&REPEAT=1&common=1&random=1234`);
    const text = await res.text();
    assert.doesNotMatch(text, /\\/, 'no backslash: pages replace every one with "/" before JSON.parse');
    return { status: res.status, headers: res.headers, body: JSON.parse(text) as Record<string, unknown> };
  };

  it("answers a card read in the vendor's format, from the card on the window's reader", async () => {
    await start();
    const { status, headers, body } = await scan();
    assert.equal(status, 200);
    assert.equal(headers.get('access-control-allow-origin'), '*');
    assert.deepEqual(body, {
      ret: 0,
      Certificate: {
        Name: '张三',
        Sex: '男',
        Nation: '汉',
        Birthday: '19900307',
        Address: SAMPLE_CARD.address,
        IDNumber: '370321199003071234',
        IDIssued: '桓台县公安局',
        IssuedData: '20150101',
        ValidDate: '20350101',
        Other: '',
        CardNumber: '',
        PhotoName: '',
        Base64Photo: PHOTO,
      },
    });
    assert.deepEqual(window.requests, [{ op: 'idcard.read', withPhoto: true }]);
    const info = (await (await fetch(`${base}/info`)).json()) as { ret: number; data: { server_version: string } };
    assert.equal(info.ret, 0);
    assert.match(info.data.server_version, /^\d+\.\d+\.\d+$/);
  });

  it("maps the window's refusals to the vendor's ret codes, with our code and a Chinese message", async () => {
    const codes = ['CARD_NOT_PRESENT', 'DEVICE_ABSENT', 'DEVICE_CLASS_DISABLED'];
    let next = 0;
    await start(() => ({ error: { code: codes[next++]!, message: 'x', op: 'idcard.read' } }));
    assert.deepEqual((await scan()).body, { ret: 10, yzCode: 'CARD_NOT_PRESENT', yzMessage: '未检测到身份证，请将身份证放在读卡器上' });
    assert.equal((await scan()).body.ret, 1);
    const disabled = (await scan()).body;
    assert.equal(disabled.ret, 30);
    assert.equal(disabled.yzCode, 'DEVICE_CLASS_DISABLED');
    assert.match(String(disabled.yzMessage), /未启用/);
    assert.equal(channel.opens, 1, 'one link served all three');
  });

  it('says no window is attached when the session has no channel, or the window does not answer', async () => {
    await start(cardReader, { helloTimeoutMs: 100, attachWaitMs: 0 });
    channel.available = false;
    assert.deepEqual((await scan()).body, { ret: 30, yzCode: 'DEVICE_NOT_ATTACHED', yzMessage: '桌面当前没有连接到窗口，无法使用窗口设备' });
    channel.available = true;
    window.silent = true;
    assert.equal((await scan()).body.yzCode, 'DEVICE_NOT_ATTACHED');
    assert.equal(channel.isOpen, false, 'the unanswered handle is closed, to be reopened');
    window.silent = false;
    window.reset();
    assert.equal((await scan()).body.ret, 0);
  });

  it('a channel that opens but whose window stays silent for a while (a cut connection, xrdp not yet through): the same read waits, says hello again and is answered', async () => {
    await start(cardReader, { helloTimeoutMs: 100, reattachPauseMs: 20, attachWaitMs: 20_000 });
    window.silent = true;
    const read = scan();
    await eventually(() => channel.opens >= 3);
    window.silent = false;
    const body = (await read).body;
    assert.equal(body.ret, 0, JSON.stringify(body));
    assert.ok(channel.opens >= 3, 'each unanswered hello closed the handle and opened a new one');
    // a window that never answers: the read ends with DEVICE_NOT_ATTACHED once the wait is over
    link.close();
    await api.close();
    await start(cardReader, { helloTimeoutMs: 50, reattachPauseMs: 10, attachWaitMs: 400 });
    window.silent = true;
    assert.equal((await scan()).body.yzCode, 'DEVICE_NOT_ATTACHED');
    assert.ok(channel.opens >= 2, `it said hello more than once (${channel.opens})`);
  });

  it('a companion stopping while it waits for a silent window stops saying hello: the read answers at once and the channel stays closed', async () => {
    await start(cardReader, { helloTimeoutMs: 50, reattachPauseMs: 600_000, attachWaitMs: 1_200_000 });
    window.silent = true;
    const read = scan();
    // the first hello went unanswered and its handle is closed: the link waits before the next one
    await eventually(() => channel.opens === 1 && !channel.isOpen);
    link.close();
    assert.equal((await read).body.yzCode, 'DEVICE_NOT_ATTACHED');
    assert.equal(channel.isOpen, false);
  });

  it('reopens the channel after the handle died (a reconnect) and reads again', async () => {
    await start();
    assert.equal((await scan()).body.ret, 0);
    channel.kill();
    window.reset();
    assert.equal((await scan()).body.ret, 0);
    assert.equal(channel.opens, 2);
  });

  it('a handle gone stale (a new RDP connection while it stayed open): the window that promised acks gives none, the link is reopened and the same read answered', async () => {
    await start(cardReader, { ackTimeoutMs: 50, requestTimeoutMs: 60_000 }, true);
    assert.equal((await scan()).body.ret, 0);
    channel.goStale();
    window.reset();
    const again = await scan();
    assert.equal(again.body.ret, 0, JSON.stringify(again.body));
    assert.equal(channel.opens, 2, 'reopened once, long before the request timeout');
    assert.equal(window.requests.length, 2, 'the request lost in the stale handle never reached the window');
  });

  it('gives up on a request the window never answers, and the next one starts a fresh link', async () => {
    let requests = 0;
    await start((request) => (requests++ === 0 ? null : cardReader(request)), { requestTimeoutMs: 100 });
    assert.equal((await scan()).body.yzCode, 'DEVICE_TIMEOUT');
    window.reset();
    assert.equal((await scan()).body.ret, 0);
    assert.equal(channel.opens, 2);
  });

  it('reads its options and refuses unknown ones', () => {
    assert.deepEqual(parseDeskArgs([]), { port: 24010, library: undefined, trace: false });
    assert.deepEqual(parseDeskArgs(['--port', '24011', '--library', '/x.so', '--trace']), { port: 24011, library: '/x.so', trace: true });
    assert.equal(typeof parseDeskArgs(['--port', 'abc']), 'string');
    assert.equal(typeof parseDeskArgs(['--verbose']), 'string');
  });

  it("binds xrdp's libxrdpapi.so through koffi; outside an xrdp session there is no channel to open", function () {
    const port = new WtsChannelPort('YZDEV', WTS_LIBRARIES.linux);
    const display = process.env.DISPLAY;
    process.env.DISPLAY = ':9876'; // no xrdpapi socket for this display
    try {
      assert.equal(port.open(), false);
    } finally {
      if (display === undefined) delete process.env.DISPLAY;
      else process.env.DISPLAY = display;
    }
    assert.throws(() => new WtsChannelPort('YZDEV', '/nonexistent/libxrdpapi.so'));
  });
});
