/** Paper and devices at the window: printers, the window drive, window devices (docs/PAPER.md). */
export const paperZhCN = {
  'pool.settings.devices': '窗口设备',
  'pool.settings.devicesHelp': '桌面内的业务系统可通过桌面助手使用窗口上的这些设备；不选则不开启设备通道',
  'pool.settings.printing': '窗口打印机（RDP 打印）',
  'pool.settings.printingHelp': '桌面中出现名为“窗口打印机”的打印机，打印内容由窗口终端送到本窗口的打印机（需 Windows 桌面）',
  'pool.devices.idcard': '二代身份证读卡器',
  'pool.devices.camera': '高拍仪',
  'pool.devices.signature': '签字板',
  'pool.devices.rating': '评价器',

  'terminal.devices': '窗口设备',
  'terminal.device.present': '正常',
  'terminal.device.absent': '未连接',
  'terminal.device.error': '故障',

  // paper at the window (docs/PAPER.md)
  'window.printerSection': '窗口打印机',
  'window.printer': '打印机',
  'window.noPrinter': '无',
  'window.printerName': '打印队列名',
  'window.printerNameHelp': '窗口终端上 CUPS 打印队列的名称；留空表示该窗口没有打印机',
  'window.printerPaper': '纸张',
  'window.printerPaper.A4': 'A4',
  'window.printerPaper.receipt80': '80 毫米小票',
  'window.printerCopies': '份数',
  'window.printerDuplex': '双面打印',

  // the window drive 窗口材料 (docs/PAPER.md)
  'pool.drive.on': '窗口材料盘（扫描件送入桌面）',
  'pool.drive.onHelp': '桌面中出现“窗口材料”盘，窗口可把高拍仪照片和扫描件送入桌面；会话结束时清除',
  'pool.drive.upload': '允许送入桌面',
  'pool.drive.download': '允许从桌面取出文件',
  'pool.drive.downloadHelp': '默认关闭：材料不得经窗口离开部门网络',
  'pool.drive.maxMb': '单个文件上限（MB）',
  'pool.drive.types': '允许的文件类型',
} as const;
