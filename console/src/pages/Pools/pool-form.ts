import type { DeviceClass } from '@yunzhuo/protocol/devices/messages';
import type { Pool, PoolSettings } from '../../api/types';
import type { FieldSpec, Option, Values } from '../../modules/entity-form/EntityForm';

export const DEFAULT_SETTINGS: PoolSettings = {
  security: 'any',
  ignoreCert: true,
  width: 1920,
  height: 1080,
  dpi: 96,
  colorDepth: 32,
  clipboard: 'none',
  fileTransfer: false,
  recording: false,
  audio: false,
  timezone: 'Asia/Shanghai',
  devices: [],
  printing: false,
};

/** every class protocol/src/devices/messages.ts knows (a type import: no zod in the bundle) */
const DEVICE_CLASSES = ['idcard', 'camera', 'signature', 'rating'] as const satisfies readonly DeviceClass[];

const SETTING_KEYS = Object.keys(DEFAULT_SETTINGS) as (keyof PoolSettings)[];
const s = (key: string) => `s_${key}`;

/** the window drive 窗口材料 (`settings.drive`, docs/PAPER.md): the types a county may allow, and the defaults */
const DRIVE_TYPES = ['image/jpeg', 'image/png', 'application/pdf'] as const;
const DRIVE_DEFAULT = { upload: true, download: false, maxBytes: 20 * 1024 * 1024, types: [...DRIVE_TYPES] as string[] };
const MIB = 1024 * 1024;

export function poolFields(
  o: { site: Option[]; department: Option[]; gateway: Option[] },
  lang: (k: 'security' | 'clipboard' | 'kind' | 'devices', v: string) => string,
): FieldSpec[] {
  return [
    { name: 'name', label: 'pool.name', kind: 'text', required: true, placeholder: '税务-浮动池' },
    { name: 'departmentId', label: 'pool.department', kind: 'select', options: o.department, required: true },
    { name: 'siteId', label: 'pool.site', kind: 'select', options: o.site, required: true },
    {
      name: 'kind',
      label: 'pool.kind',
      kind: 'select',
      required: true,
      options: ['floating', 'dedicated'].map((v) => ({ value: v, label: lang('kind', v) })),
      help: 'pool.kindHelp',
    },
    { name: 'gatewayIds', label: 'pool.gateways', kind: 'multiselect', options: o.gateway, required: true, help: 'pool.gatewaysHelp' },
    { name: 'graceSeconds', label: 'pool.graceSeconds', kind: 'number', min: 0, help: 'pool.graceHelp' },
    { name: 'idleSeconds', label: 'pool.idleSeconds', kind: 'number', min: 0, help: 'pool.idleHelp' },
    { name: 'maxSessions', label: 'pool.maxSessions', kind: 'number', min: 1, nullable: true },
    { name: 'allowOtherSites', label: 'pool.allowOtherSites', kind: 'checkbox' },
    {
      name: s('security'),
      label: 'pool.settings.security',
      kind: 'select',
      required: true,
      section: 'pool.settingsSection',
      options: ['any', 'nla', 'tls', 'rdp', 'vmconnect'].map((v) => ({ value: v, label: lang('security', v) })),
    },
    { name: s('ignoreCert'), label: 'pool.settings.ignoreCert', kind: 'checkbox' },
    { name: s('width'), label: 'pool.settings.width', kind: 'number', min: 640, max: 7680 },
    { name: s('height'), label: 'pool.settings.height', kind: 'number', min: 480, max: 4320 },
    { name: s('dpi'), label: 'pool.settings.dpi', kind: 'number', min: 48, max: 480 },
    {
      name: s('colorDepth'),
      label: 'pool.settings.colorDepth',
      kind: 'select',
      required: true,
      options: ['8', '16', '24', '32'].map((v) => ({ value: v, label: `${v} bit` })),
    },
    {
      name: s('clipboard'),
      label: 'pool.settings.clipboard',
      kind: 'select',
      required: true,
      options: ['none', 'to-desktop', 'from-desktop', 'both'].map((v) => ({ value: v, label: lang('clipboard', v) })),
    },
    { name: s('fileTransfer'), label: 'pool.settings.fileTransfer', kind: 'checkbox' },
    { name: s('recording'), label: 'pool.settings.recording', kind: 'checkbox' },
    { name: s('audio'), label: 'pool.settings.audio', kind: 'checkbox' },
    { name: s('timezone'), label: 'pool.settings.timezone', kind: 'text' },
    {
      name: s('devices'),
      label: 'pool.settings.devices',
      kind: 'multiselect',
      options: DEVICE_CLASSES.map((v) => ({ value: v, label: lang('devices', v) })),
      help: 'pool.settings.devicesHelp',
    },
    { name: s('printing'), label: 'pool.settings.printing', kind: 'checkbox', help: 'pool.settings.printingHelp' },
    { name: 'drive_on', label: 'pool.drive.on', kind: 'checkbox', help: 'pool.drive.onHelp' },
    { name: 'drive_upload', label: 'pool.drive.upload', kind: 'checkbox' },
    { name: 'drive_download', label: 'pool.drive.download', kind: 'checkbox', help: 'pool.drive.downloadHelp' },
    { name: 'drive_maxMb', label: 'pool.drive.maxMb', kind: 'number', min: 1, max: 100 },
    {
      name: 'drive_types',
      label: 'pool.drive.types',
      kind: 'multiselect',
      options: DRIVE_TYPES.map((v) => ({ value: v, label: v })),
    },
  ];
}

export function poolValues(pool: Pool | null): Values {
  const settings = pool?.settings ?? DEFAULT_SETTINGS;
  const base: Values = pool ? { ...pool } : { kind: 'floating', gatewayIds: [], graceSeconds: 900, idleSeconds: 0, maxSessions: null, allowOtherSites: true };
  for (const k of SETTING_KEYS) base[s(k)] = k === 'colorDepth' ? String(settings[k]) : (settings[k] ?? DEFAULT_SETTINGS[k]);
  const drive = settings.drive ?? null;
  base.drive_on = drive !== null;
  base.drive_upload = (drive ?? DRIVE_DEFAULT).upload;
  base.drive_download = (drive ?? DRIVE_DEFAULT).download;
  base.drive_maxMb = Math.round((drive ?? DRIVE_DEFAULT).maxBytes / MIB);
  base.drive_types = [...(drive ?? DRIVE_DEFAULT).types];
  return base;
}

/**
 * The API replaces `settings` as a whole (missing keys fall back to defaults), so whenever a
 * setting changed the full object is sent, typed as the schema wants.
 */
export function poolBody(body: Record<string, unknown>, values: Values, mode: 'create' | 'edit'): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  let settingsTouched = mode === 'create';
  for (const [k, v] of Object.entries(body)) {
    if (k.startsWith('s_') || k.startsWith('drive_')) settingsTouched = true;
    else out[k] = v;
  }
  if (settingsTouched) {
    const settings: Record<string, unknown> = {};
    for (const k of SETTING_KEYS) {
      const v = values[s(k)];
      settings[k] = typeof DEFAULT_SETTINGS[k] === 'number' ? Number(v) : typeof DEFAULT_SETTINGS[k] === 'boolean' ? Boolean(v) : v;
    }
    // settings are replaced whole: the drive is sent as the form shows it, never dropped by an edit of another setting
    if (values.drive_on) {
      const types = Array.isArray(values.drive_types) ? (values.drive_types as string[]) : [];
      settings.drive = {
        upload: Boolean(values.drive_upload),
        download: Boolean(values.drive_download),
        maxBytes: Math.max(1, Math.min(100, Number(values.drive_maxMb) || 20)) * MIB,
        types: types.length > 0 ? types : [...DRIVE_TYPES],
      };
    }
    out.settings = settings;
  }
  return out;
}
