import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { IdCard } from '../../protocol/src/devices/index.js';

/**
 * A stand-in for ZKTeco's ZKIDROnline service with a reader attached (no hardware here): the
 * same paths and answers, including its quirk of a Windows path with bare backslashes in
 * `PhotoName`, which makes its output invalid JSON until a page rewrites `\` to `/`.
 */
export class ZkIdrSimulator {
  /** the card on the reader; null = none (ret 10) */
  card: IdCard | null = null;
  /** false: as if the reader were unplugged (ret 1) */
  readerPresent = true;
  reads = 0;
  readonly server = http.createServer((req, res) => this.#answer(req, res));

  static async start(port = 0): Promise<ZkIdrSimulator> {
    const simulator = new ZkIdrSimulator();
    await new Promise<void>((resolve) => simulator.server.listen(port, '127.0.0.1', resolve));
    return simulator;
  }

  get baseUrl(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/ZKIDROnline`;
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  #answer(req: http.IncomingMessage, res: http.ServerResponse): void {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    res.setHeader('content-type', 'text/plain; charset=utf-8');
    res.setHeader('access-control-allow-origin', '*');
    if (path === '/ZKIDROnline/info') return void res.end('{"ret":0,"data":{"server_version":"3.5.2"}}');
    if (path !== '/ZKIDROnline/ScanReadIdCardInfo') return void res.writeHead(404).end();
    this.reads++;
    if (!this.readerPresent) return void res.end('{"ret":1}');
    if (!this.card) return void res.end('{"ret":10}');
    const c = this.card;
    const fields = [
      ['Name', c.name],
      ['Sex', c.sex],
      ['Nation', c.nation],
      ['Birthday', c.birthDate],
      ['Address', c.address],
      ['IDNumber', c.idNumber],
      ['IDIssued', c.issuer],
      ['IssuedData', c.validFrom],
      ['ValidDate', c.validTo],
      ['Other', ''],
      ['CardNumber', ''],
    ].map(([k, v]) => `${JSON.stringify(k)}:${JSON.stringify(v)}`);
    fields.push('"PhotoName":"C:\\Program Files (x86)\\ZKIDROnline\\bin\\zp.bmp"', `"Base64Photo":${JSON.stringify(c.photoJpeg ?? '')}`);
    res.end(`{"ret":0,"Certificate":{${fields.join(',')}}}`);
  }
}
