/**
 * The one error vocabulary of Yunzhuo. Every error the broker returns has one of these
 * codes; the window page and the console show `zh` (or `en`) and the code underneath.
 */
export interface ErrorSpec {
  status: number;
  zh: string;
  en: string;
}

export const ERRORS = {
  VALIDATION_FAILED: { status: 400, zh: '提交的内容不符合要求', en: 'The request is not valid' },
  MALFORMED_JSON: { status: 400, zh: '请求内容不是有效的 JSON', en: 'The request body is not valid JSON' },
  PAYLOAD_TOO_LARGE: { status: 413, zh: '提交的内容过大', en: 'The request body is too large' },
  UNAUTHENTICATED: { status: 401, zh: '请先登录', en: 'Please sign in first' },
  ORIGIN_NOT_ALLOWED: {
    status: 403,
    zh: '不允许从该网页来源连接，请从云桌自己的地址打开页面',
    en: "Connections from this web origin are not allowed; open the page from the broker's own address",
  },
  TUNNEL_SUBPROTOCOL_REQUIRED: { status: 400, zh: '桌面连接缺少 guacamole 子协议', en: 'The desktop tunnel needs the guacamole WebSocket subprotocol' },
  CSRF_FAILED: { status: 403, zh: '页面已过期，请刷新后重试', en: 'The page has expired; reload and try again' },
  FORBIDDEN: { status: 403, zh: '没有权限执行此操作', en: 'You are not allowed to do this' },
  NOT_FOUND: { status: 404, zh: '找不到该对象', en: 'Not found' },
  CONFLICT: { status: 409, zh: '与已有数据冲突', en: 'Conflicts with existing data' },
  IN_USE: { status: 409, zh: '该对象仍在使用中，不能删除', en: 'Still in use; cannot be deleted' },
  TOO_MANY_ATTEMPTS: { status: 429, zh: '尝试次数过多，请稍后再试', en: 'Too many attempts; try again later' },
  PASSWORD_CHANGE_REQUIRED: { status: 403, zh: '请先修改初始密码', en: 'Change your initial password first' },
  INVALID_CREDENTIALS: { status: 401, zh: '账号或密码错误', en: 'Wrong account or password' },
  ACCOUNT_DISABLED: { status: 403, zh: '该账号已停用，请联系信息中心', en: 'This account is disabled; contact the IT center' },
  ACCOUNT_LOCKED: { status: 403, zh: '该账号已锁定，请联系信息中心', en: 'This account is locked; contact the IT center' },
  DIRECTORY_ACCOUNT_LOCKED: {
    status: 403,
    zh: '该账号在单位目录（LDAP/AD）中已被锁定或停用，请联系信息中心解锁',
    en: 'This account is locked or disabled in the directory (LDAP/AD); contact the IT center',
  },
  LOGIN_RULE_REFUSED: { status: 403, zh: '登录规则不允许此次登录', en: 'A login rule refuses this login' },
  TOTP_REQUIRED: { status: 401, zh: '请输入手机令牌上的 6 位动态口令', en: 'Enter the 6-digit code from your authenticator app' },
  TOTP_ENROLLMENT_REQUIRED: {
    status: 403,
    zh: '管理员账号须先绑定手机令牌（动态口令）才能使用管理控制台',
    en: 'Admin accounts must enroll an authenticator app (TOTP) before using the console',
  },
  OIDC_STATE_INVALID: {
    status: 400,
    zh: '统一身份认证登录请求无效或已过期，请重新登录',
    en: 'The single sign-on request is invalid or has expired; sign in again',
  },
  OIDC_SIGN_IN_FAILED: {
    status: 401,
    zh: '统一身份认证登录未通过校验，请重新登录',
    en: 'The single sign-on answer did not pass the checks; sign in again',
  },
  OIDC_NOT_MAPPED: {
    status: 403,
    zh: '该统一身份认证账号未获授权使用云桌，请联系信息中心',
    en: 'This single sign-on account is not granted access to Yunzhuo; contact the IT center',
  },
  OIDC_PROVIDER_UNAVAILABLE: {
    status: 503,
    zh: '暂时无法连接统一身份认证平台，请稍后再试',
    en: 'The identity platform cannot be reached; try again later',
  },
  TOTP_INVALID: { status: 401, zh: '动态口令错误或已使用过，请输入新的口令', en: 'The code is wrong or was already used; enter a new one' },
  DIRECTORY_UNAVAILABLE: {
    status: 503,
    zh: '暂时无法连接单位目录服务器，请稍后再试或联系信息中心',
    en: 'The directory server cannot be reached; try again later or contact the IT center',
  },
  NOT_ENTITLED: { status: 403, zh: '该账号无权使用此桌面池', en: 'This account may not use this desktop pool' },
  POOL_CHOICE_REQUIRED: { status: 409, zh: '请选择要使用的部门桌面', en: 'Choose which department desktop to use' },
  NO_OTHER_POOL: {
    status: 409,
    zh: '该账号没有其他部门的桌面可用，请联系信息中心开通',
    en: "This account has no other department's desktop; ask the IT center",
  },
  POOL_EXHAUSTED: {
    status: 503,
    zh: '本窗口所属部门暂无可用桌面，请稍后再试或联系信息中心',
    en: 'No free desktop in this pool; try again later or contact the IT center',
  },
  POOL_UNAVAILABLE: { status: 503, zh: '该桌面池正在维护或停止分配', en: 'This pool is draining or in maintenance' },
  TERMINAL_UNKNOWN: { status: 401, zh: '未登记的云终端，请联系信息中心', en: 'Unknown terminal; contact the IT center' },
  TERMINAL_REVOKED: { status: 401, zh: '该云终端的凭据已被吊销', en: "This terminal's credential was revoked" },
  TOKEN_EXPIRED: { status: 401, zh: '连接凭证已过期，请重新登录', en: 'The tunnel token expired; sign in again' },
  TOKEN_USED: { status: 401, zh: '连接凭证已被使用，请重新登录', en: 'The tunnel token was already used; sign in again' },
  TOKEN_INVALID: { status: 401, zh: '连接凭证无效', en: 'The tunnel token is not valid' },
  SESSION_ENDED: { status: 409, zh: '会话已结束', en: 'The session has ended' },
  GATEWAY_UNAVAILABLE: { status: 502, zh: '桌面网关无法连接', en: 'The desktop gateway cannot be reached' },
  DESKTOP_UNAVAILABLE: { status: 502, zh: '桌面无法连接', en: 'The desktop cannot be reached' },
  IMPORT_INVALID: { status: 422, zh: '导入文件中有错误的行，未导入任何数据', en: 'The file has bad rows; nothing was imported' },
  UNSUPPORTED_ENCODING: { status: 400, zh: '无法识别文件编码（支持 UTF-8 与 GB18030）', en: 'Unknown file encoding (UTF-8 and GB18030 are supported)' },
  JOIN_TOKEN_INVALID: { status: 401, zh: '入网令牌无效，请向信息中心索取新的令牌', en: 'The join token is not valid; ask the IT center for a new one' },
  JOIN_TOKEN_EXPIRED: { status: 401, zh: '入网令牌已过期，请向信息中心索取新的令牌', en: 'The join token has expired; ask the IT center for a new one' },
  JOIN_TOKEN_REVOKED: { status: 401, zh: '入网令牌已被吊销', en: 'The join token was revoked' },
  JOIN_TOKEN_USED_UP: { status: 401, zh: '入网令牌的使用次数已用完', en: 'The join token has no uses left' },
  AGENT_VERSION_UNSUPPORTED: {
    status: 400,
    zh: '终端代理程序版本过旧或不受支持，请升级',
    en: 'This agent protocol version is not supported; upgrade the agent',
  },
  CONNECTOR_UNKNOWN: { status: 401, zh: '未登记的乡镇连接器，请用入网令牌重新登记', en: 'Unknown connector; enroll it again with a join token' },
  CONNECTOR_REVOKED: { status: 401, zh: '该乡镇连接器的凭据已被吊销', en: "This connector's credential was revoked" },
  CONNECTOR_VERSION_UNSUPPORTED: {
    status: 400,
    zh: '乡镇连接器程序版本不受支持，请升级',
    en: 'This connector protocol version is not supported; upgrade the connector',
  },
  CONNECTOR_OFFLINE: { status: 502, zh: '乡镇连接器不在线，无法连接该镇的桌面', en: "The town's connector is offline; its desktops cannot be reached" },
  TERMINAL_PENDING: { status: 403, zh: '该云终端正在等待管理员审批', en: "This terminal is waiting for an administrator's approval" },
  TERMINAL_OFFLINE: { status: 409, zh: '云终端不在线，无法执行命令', en: 'The terminal is offline; the command was not sent' },
  COMMAND_TIMEOUT: { status: 504, zh: '云终端未在规定时间内响应命令', en: 'The terminal did not answer the command in time' },
  COMMAND_FAILED: { status: 502, zh: '云终端执行命令失败', en: 'The terminal could not carry out the command' },
  RATING_ALREADY_SUBMITTED: { status: 409, zh: '本次服务已经评价过，感谢您的评价', en: 'This service has already been rated; thank you' },
  RATING_EXPIRED: { status: 410, zh: '评价邀请已过期，请窗口工作人员重新发起评价', en: 'The rating invitation has expired; ask the clerk to start a new one' },
  RATING_TAGS_INVALID: { status: 400, zh: '所选评价标签不属于该评价等级，请重新选择', en: 'The tags chosen are not tags of this level; choose again' },
  WORK_ORDER_STATE: { status: 409, zh: '该差评工单当前的状态不允许此操作', en: "The work order's state does not allow this step" },
  QUEUE_NOT_CONFIGURED: { status: 409, zh: '本大厅未接入排队叫号系统', en: 'No queue system is configured for this hall' },
  QUEUE_UNAVAILABLE: { status: 502, zh: '排队叫号系统暂时无法连接，请稍后再试', en: 'The queue system cannot be reached; try again shortly' },
  QUEUE_REFUSED: { status: 409, zh: '排队叫号系统拒绝了此操作', en: 'The queue system refused this step' },
  QUEUE_NO_TICKET: { status: 409, zh: '本窗口当前没有正在办理的号', en: 'No ticket is being served at this window' },
  QUEUE_TICKET_OPEN: {
    status: 409,
    zh: '请先结束服务、过号或转移当前的号，再叫下一位',
    en: 'End, skip or transfer the current ticket before calling the next',
  },
  RATING_OUTBOX_NOT_DEAD: { status: 409, zh: '只有已放弃发送的记录才能重新发送', en: 'Only a dead outbox item can be sent again' },
  DESKTOP_PREPARE_FAILED: {
    status: 502,
    zh: '桌面准备失败，请重新登录以分配其他桌面',
    en: 'The desktop could not be prepared; sign in again to get another one',
  },
  DEVICE_CLASS_DISABLED: {
    status: 403,
    zh: '本桌面池未启用该类窗口设备，请联系信息中心',
    en: 'This desktop pool does not enable this device class; contact the IT center',
  },
  DEVICE_NOT_ATTACHED: { status: 503, zh: '桌面当前没有连接到窗口，无法使用窗口设备', en: 'No window is attached to this desktop; its devices cannot be used' },
  DEVICE_ABSENT: { status: 404, zh: '窗口未连接该设备，请检查设备连线', en: 'The window has no such device; check that it is plugged in' },
  DEVICE_BUSY: { status: 409, zh: '设备正忙，请稍后再试', en: 'The device is busy; try again shortly' },
  DEVICE_TIMEOUT: { status: 504, zh: '设备未在规定时间内响应', en: 'The device did not answer in time' },
  DEVICE_FAILED: { status: 502, zh: '设备操作失败，请重试或联系信息中心', en: 'The device failed; try again or contact the IT center' },
  CARD_NOT_PRESENT: { status: 404, zh: '未检测到身份证，请将身份证放在读卡器上', en: 'No ID card on the reader; place the card on it' },
  DEVICE_REQUEST_INVALID: { status: 400, zh: '设备请求的内容不符合要求', en: 'The device request is not valid' },
  DEVICE_PROTOCOL_UNSUPPORTED: {
    status: 400,
    zh: '桌面助手与窗口的协议版本不兼容，请升级桌面助手',
    en: 'The companion and the window speak incompatible protocol versions; upgrade the companion',
  },
  // paper at the window (docs/PAPER.md)
  PRINTER_NOT_CONFIGURED: { status: 409, zh: '本窗口没有配置打印机，请联系信息中心', en: 'This window has no printer configured; contact the IT center' },
  PRINTER_ABSENT: { status: 404, zh: '窗口打印机不存在，请检查打印队列', en: 'The window printer does not exist; check the print queue' },
  PRINTER_FAILED: { status: 502, zh: '打印机故障', en: 'The printer failed' },
  PRINT_JOB_INVALID: { status: 400, zh: '打印内容不是有效的 PDF 文件', en: 'The print job is not a valid PDF file' },
  // the rating pad and the queue's pause (docs/RATINGS.md)
  PAD_UNKNOWN: {
    status: 401,
    zh: '评价器未配对或配对已解除，请重新输入窗口显示的配对码',
    en: 'This rating pad is not paired (or was unpaired); enter the code the window shows',
  },
  PAD_PAIRING_INVALID: {
    status: 400,
    zh: '配对码不正确或已过期，请在窗口重新生成配对码',
    en: 'The pairing code is wrong or has expired; make a new one at the window',
  },
  PAD_PAIRING_THROTTLED: { status: 429, zh: '配对码输错次数过多，请稍后再试', en: 'Too many wrong pairing codes; try again later' },
  QUEUE_PAUSED: { status: 409, zh: '本窗口已暂停叫号，请先恢复叫号', en: 'Calling is paused at this window; resume it first' },
  TERMINAL_NOT_IN_SERVICE: {
    status: 409,
    zh: '窗口云终端暂停服务，评价器保持配对，恢复后自动继续',
    en: "The window's terminal is out of service for now; the pad stays paired and resumes by itself",
  },
  INTERNAL: { status: 500, zh: '系统内部错误，请联系信息中心', en: 'Internal error; contact the IT center' },
  // hall plans and night power (issue 17)
  PLAN_IMAGE_UNSUPPORTED: {
    status: 415,
    zh: '平面图只能是 PNG 或 JPEG 图片（不接受 SVG 等其他格式）',
    en: 'A floor plan must be a PNG or JPEG image (SVG and other formats are refused)',
  },
  WAKE_NO_MAC: { status: 409, zh: '不知道该云终端的网卡地址（MAC），无法远程唤醒', en: "The terminal's MAC address is unknown; it cannot be woken" },
  WAKE_NO_RELAY: {
    status: 409,
    zh: '同一网段没有在线的云终端可代发唤醒包',
    en: 'No online terminal on the same network segment can send the wake-up packet',
  },
  OIDC_QR_EXPIRED: { status: 410, zh: '二维码已过期，请扫描窗口上的新二维码', en: 'The QR code has expired; scan the new one on the window screen' },
  OIDC_QR_USED: {
    status: 409,
    zh: '该二维码已被扫描使用，请扫描窗口上的新二维码',
    en: 'This QR code was already scanned; scan the new one on the window screen',
  },
  OIDC_QR_NOT_ALLOWED: { status: 403, zh: '该统一身份认证平台未开通扫码登录', en: 'This identity platform is not enabled for QR sign-in' },
} as const satisfies Record<string, ErrorSpec>;

export type ErrorCode = keyof typeof ERRORS;

/** a code of ours, as a page reads it back from a URL (`#oidcError=…`) where anyone could have written it */
export function isErrorCode(code: string): code is ErrorCode {
  return Object.hasOwn(ERRORS, code);
}

export interface ErrorBody {
  error: { code: ErrorCode; message: string; details?: Record<string, unknown> };
}

/**
 * A write refused because a unique field already holds the value (issue 17): the field a person
 * typed, named in the message (「编码已存在」) and in `details.field`, instead of a bare CONFLICT.
 */
export const UNIQUE_FIELDS = {
  code: { zh: '编码', en: 'code' },
  username: { zh: '账号', en: 'account name' },
} as const satisfies Record<string, { zh: string; en: string }>;
export type UniqueField = keyof typeof UNIQUE_FIELDS;

export function duplicateText(field: UniqueField, lang: string): string {
  const name = UNIQUE_FIELDS[field];
  return lang === 'en' ? `This ${name.en} already exists; choose another` : `${name.zh}已存在，请换一个`;
}
