import type { AgentConfig } from '../config/agent-config.js';
import type { Logger } from '../log.js';
import { ChromiumKiosk } from './linux/chromium-kiosk.js';
import { WindowPageNotice } from './linux/linux-notice.js';
import { LinuxPower } from './linux/linux-power.js';
import { LinuxScreenLock } from './linux/linux-screen-lock.js';
import { LinuxSystemInfo } from './linux/linux-system-info.js';
import { UdpWakeSender } from './linux/udp-wake.js';
import type { OsAdapters } from './os-adapters.js';
import { recordingOs } from './recording/recording-os.js';

export function selectOs(config: AgentConfig, log: Logger): OsAdapters {
  if (config.os === 'recording') return recordingOs(config.recordFile!);
  return {
    power: new LinuxPower(Date.now, config.powerOffCommand),
    screen: new LinuxScreenLock(),
    kiosk: new ChromiumKiosk({ command: config.kioskCommand, ...(config.kioskUser ? { user: config.kioskUser } : {}), display: config.display, log }),
    notice: new WindowPageNotice(),
    system: new LinuxSystemInfo(),
    wake: new UdpWakeSender(),
  };
}
