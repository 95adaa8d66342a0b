import type { paperZhCN } from './paper.zh-CN';

/** Paper and devices at the window: printers, the window drive, window devices (docs/PAPER.md); every key of paper.zh-CN.ts (the type checks it). */
export const paperEn: Record<keyof typeof paperZhCN, string> = {
  'pool.settings.devices': 'Window devices',
  'pool.settings.devicesHelp': 'Business systems in the desktop may use these devices on the window through the companion; none = no device channel',
  'pool.settings.printing': 'Window printer (RDP printing)',
  'pool.settings.printingHelp':
    "The desktop gets a printer named 窗口打印机 whose jobs the window terminal prints on the window's printer (needs a Windows desktop)",
  'pool.devices.idcard': 'ID card reader',
  'pool.devices.camera': 'Document camera',
  'pool.devices.signature': 'Signature pad',
  'pool.devices.rating': 'Rating pad',

  'terminal.devices': 'Window devices',
  'terminal.device.present': 'present',
  'terminal.device.absent': 'absent',
  'terminal.device.error': 'error',

  // paper at the window (docs/PAPER.md)
  'window.printerSection': 'Window printer',
  'window.printer': 'Printer',
  'window.noPrinter': 'None',
  'window.printerName': 'Print queue',
  'window.printerNameHelp': "Name of the CUPS queue on the window's terminal; empty: the window has no printer",
  'window.printerPaper': 'Paper',
  'window.printerPaper.A4': 'A4',
  'window.printerPaper.receipt80': '80 mm receipt',
  'window.printerCopies': 'Copies',
  'window.printerDuplex': 'Two-sided',

  // the window drive 窗口材料 (docs/PAPER.md)
  'pool.drive.on': 'Window drive 窗口材料 (scans into the desktop)',
  'pool.drive.onHelp': 'The desktop gets a drive 窗口材料; the window sends camera stills and scans into it. Cleared when the session ends',
  'pool.drive.upload': 'Allow sending into the desktop',
  'pool.drive.download': 'Allow taking files out of the desktop',
  'pool.drive.downloadHelp': 'Off by default: documents must not leave the department network through the window',
  'pool.drive.maxMb': 'Largest file (MB)',
  'pool.drive.types': 'Allowed file types',
};
