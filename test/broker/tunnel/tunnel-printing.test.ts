import assert from 'node:assert/strict';
import type { PoolSettings } from '@yunzhuo/protocol/api/common';
import { encodeInstruction } from '@yunzhuo/protocol';
import { FAKE_RDP_ARGS, type FakeGuacdConnection } from '../../helpers/fake-guacd.js';
import { samplePdf } from '../../helpers/pdf-sample.js';
import { liveTunnel, type LiveTunnel } from './tunnel-test-kit.js';

/** guacd lists `printer-name` after `enable-printing` (1.3 and later); the fake's short list lacks it. */
const ARGS_WITH_PRINTER = [...FAKE_RDP_ARGS, 'printer-name'];

describe("tunnel: guacd's RDP printer (native print path)", function () {
  let tunnel: LiveTunnel | null = null;

  afterEach(async function () {
    await tunnel?.close();
    tunnel = null;
  });

  async function live(pool: Partial<PoolSettings>): Promise<LiveTunnel> {
    tunnel = await liveTunnel(ARGS_WITH_PRINTER, pool);
    return tunnel;
  }

  const valueOf = (conn: FakeGuacdConnection, name: string): string | undefined => conn.find('connect')?.args[1 + ARGS_WITH_PRINTER.indexOf(name)];

  it('turns on the RDP printer named 窗口打印机 only for a pool with printing', async function () {
    const { conn, close } = await live({ printing: true });
    assert.deepEqual([valueOf(conn, 'enable-printing'), valueOf(conn, 'printer-name')], ['true', '窗口打印机']);
    await close();
    const plain = await live({});
    assert.deepEqual([valueOf(plain.conn, 'enable-printing'), valueOf(plain.conn, 'printer-name')], ['', '']);
  });

  it("carries a print job's application/pdf file stream to the window page whole, and the page's acks back to guacd", async function () {
    const { client, conn } = await live({ printing: true });
    const pdf = samplePdf(['Native print A-012']);
    conn.send(encodeInstruction('file', 5, 'application/pdf', 'receipt.pdf'));
    // guacd writes a print job in blobs of up to 6 KB; three here
    const parts = [pdf.subarray(0, 200), pdf.subarray(200, 400), pdf.subarray(400)];
    for (const part of parts) conn.send(encodeInstruction('blob', 5, part.toString('base64')));
    conn.send(encodeInstruction('end', 5));
    const file = await client.waitFor((i) => i.opcode === 'file');
    assert.deepEqual(file.args, ['5', 'application/pdf', 'receipt.pdf']);
    await client.waitFor((i) => i.opcode === 'end' && i.args[0] === '5');
    const blobs = client.instructions.filter((i) => i.opcode === 'blob' && i.args[0] === '5');
    assert.deepEqual(Buffer.concat(blobs.map((b) => Buffer.from(b.args[1]!, 'base64'))), pdf, 'the PDF arrives byte for byte');
    client.send(encodeInstruction('ack', 5, 'OK', 0));
    await conn.waitFor((i) => i.opcode === 'ack' && i.args[0] === '5');
  });
});
