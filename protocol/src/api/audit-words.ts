/**
 * The audit log in words a county admin reads (issue 17): the Chinese name of every action the
 * broker records. The console shows them, and the broker's audit search finds an event by them
 * (「评价」 finds `rating.create`). An action missing here is named from its type and verb.
 */
export const AUDIT_ACTION_WORDS: Record<string, string> = {
  'auth.login': '管理员登录',
  'auth.logout': '管理员退出',
  'account.bootstrap': '创建初始管理员',
  'login.refused': '窗口登录被拒绝',
  'session.requested': '窗口人员登录',
  'session.connecting': '正在连接桌面',
  'session.active': '桌面已连接',
  'session.disconnected': '会话断开',
  'session.ended': '会话结束',
  'session.reconnect': '重新连接（漫游）',
  'session.reset': '重置会话',
  'session.recording.view': '查看录像',
  'rating.create': '群众评价',
  'agent.enroll': '终端入网',
  'agent.enroll.refused': '终端入网被拒绝',
  'terminal.command': '向终端发送命令',
  'terminal.approve': '批准终端',
  'terminal.revoke': '吊销终端',
  'gateway.failure': '网关故障',
  'gateway.health': '网关健康变化',
  'desktop.health': '桌面健康变化',
  'desktop.action': '桌面运维操作',
  'pool.lifecycle': '修改桌面池运维设置',
  'reconciler.repair': '自动修复',
  'join-token.create': '生成入网令牌',
  'join-token.revoke': '作废入网令牌',
  'calendar-day.set': '设置工作日历',
  'calendar-day.delete': '删除工作日历',
  'ssh.host-key-pinned': '记录主机密钥',
  'ssh.host-key-mismatch': '主机密钥不符',
  'ssh.host-key-forgotten': '删除主机密钥',
  'device.used': '使用窗口外设',
  'device.refused': '窗口外设被拒绝',
  'paper.file-sent': '材料送入桌面',
  'paper.file-refused': '材料传送被拒绝',
  'windows.import': '导入窗口',
  'accounts.import': '导入账号',
  'ratings.export': '导出好差评',
  'rating-work-orders.export': '导出差评工单',
  'queue.call': '叫号',
  'queue.recall': '重呼',
  'queue.skip': '过号',
  'queue.transfer': '转移',
  'queue.finish': '结束服务（办结）',
  'queue.pause': '暂停叫号',
  'queue.resume': '恢复叫号',
  'rating-pad.pair': '评价器配对',
  'rating-pad.unpair': '评价器解除配对',
  'hall-plan.upload': '上传大厅平面图',
  'hall-plan.place': '在平面图上摆放窗口',
  'hall-plan.delete': '删除大厅平面图',
  'terminal.bulk-command': '批量操作终端',
  'power-schedule.run': '定时关机/唤醒',
  'terminal.wake': '远程唤醒终端',
  'alert.acknowledge': '确认告警',
  'alert-settings.update': '修改告警设置',
  'auth.oidc.window': '窗口统一身份认证登录',
};

export const AUDIT_TYPE_WORDS: Record<string, string> = {
  session: '会话',
  account: '账号',
  terminal: '云终端',
  desktop: '桌面',
  pool: '桌面池',
  window: '窗口',
  site: '站点',
  department: '部门',
  gateway: '网关',
  windows: '窗口（批量）',
  accounts: '账号（批量）',
  'join-token': '入网令牌',
  rating: '评价',
  'ssh-host': 'SSH 主机',
  'pool-action': '桌面池动作',
  'calendar-day': '工作日历',
  'ssh-known-host': '主机密钥',
  'queue-ticket': '排队号',
  'rating-pad': '评价器',
  'hall-plan': '大厅平面图',
  'power-schedule': '定时关机/唤醒计划',
  alert: '告警',
  'alert-settings': '告警设置',
};

const VERB_WORDS: Record<string, string> = {
  create: '新建',
  update: '修改',
  delete: '删除',
  import: '导入',
  approve: '批准',
  revoke: '吊销',
  command: '命令',
  free: '空闲',
  assigned: '已分配',
  maintenance: '维护',
  error: '故障',
  resetting: '重置中',
  starting: '启动中',
};

/** 「窗口 · 新建」 for `window.create`; an unknown action keeps its code. */
export function auditActionWords(action: string): string {
  const named = AUDIT_ACTION_WORDS[action];
  if (named) return named;
  const [type = '', verb = ''] = action.split('.');
  const typeWord = AUDIT_TYPE_WORDS[type];
  const verbWord = VERB_WORDS[verb];
  return typeWord && verbWord ? `${typeWord} · ${verbWord}` : action;
}

/** Every action code whose Chinese name contains `words` (the search box's part of the query). */
export function auditActionsNamed(words: string, known: readonly string[]): string[] {
  return known.filter((a) => auditActionWords(a).includes(words));
}
