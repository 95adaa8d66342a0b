/**
 * A hall's queue system (排队叫号) as the broker sees it. The window names itself by codes the
 * queue system knows (the site's and the window's), and the clerk by login name (window login =
 * queue login). Each method either does the step or throws an AppError (QUEUE_UNAVAILABLE,
 * QUEUE_REFUSED).
 */
export interface QueueWindow {
  siteCode: string;
  windowCode: string;
  clerk: string;
}

export interface CalledTicket {
  number: string;
  /** the business line the citizen chose at the kiosk, when the queue system says */
  service: string | null;
}

export interface QueueAdapter {
  /** 叫号: the next waiting citizen for this window, or null when nobody waits */
  callNext(window: QueueWindow): Promise<CalledTicket | null>;
  /** 重呼: call the same number again (screen and voice) */
  recall(window: QueueWindow, number: string): Promise<void>;
  /** 过号: the citizen did not come */
  skip(window: QueueWindow, number: string): Promise<void>;
  /** 转移: to another window or business line the queue system knows by `target` */
  transfer(window: QueueWindow, number: string, target: string): Promise<void>;
  /** 办结: the service of this number ended */
  finish(window: QueueWindow, number: string): Promise<void>;
  /** 暂停叫号 / 恢复叫号: the window stops (or starts again) taking numbers; the queue system sends no one meanwhile */
  pause(window: QueueWindow): Promise<void>;
  resume(window: QueueWindow): Promise<void>;
}
