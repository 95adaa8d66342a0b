/**
 * Request bodies made from the OpenAPI document's own JSON schemas, every optional field
 * included, with each id field pointing at a row chosen by the caller (`refs`): the walk
 * sends what a curious site admin would, naming rows of a site it does not own.
 */
export type JsonSchema = {
  type?: string | string[];
  enum?: unknown[];
  default?: unknown;
  format?: string;
  minimum?: number;
  maximum?: number;
  minLength?: number;
  properties?: Record<string, JsonSchema>;
  items?: JsonSchema;
  oneOf?: JsonSchema[];
  anyOf?: JsonSchema[];
};

/** The row an id-valued field names, by the field's name. */
export type RefResolver = (field: string) => string;

const REF_FIELDS: Record<string, string> = {
  siteId: 'sites',
  homeSiteId: 'sites',
  parentId: 'sites',
  departmentId: 'departments',
  departmentIds: 'departments',
  poolId: 'pools',
  poolIds: 'pools',
  gatewayIds: 'gateways',
  windowId: 'windows',
  ownerAccountId: 'accounts',
  sshHostId: 'ssh-hosts',
  terminalId: 'terminals',
  desktopId: 'desktops',
  sessionId: 'sessions',
  allowedSiteIds: 'sites',
  accountIds: 'accounts',
};

/** Field values the schemas only describe by pattern (kept valid so the request reaches the authorization). */
const BY_NAME: Record<string, () => unknown> = {
  privateKey: () => `-----BEGIN OPENSSH PRIVATE KEY-----\n${'A'.repeat(70)}\n-----END OPENSSH PRIVATE KEY-----\n`,
  fingerprint: () => `SHA256:${'A'.repeat(43)}`,
  hostKeyFingerprint: () => `SHA256:${'B'.repeat(43)}`,
  host: () => '127.0.0.1',
  username: () => `walk${next()}`,
  password: () => 'Walk-pass-2026',
  command: () => 'true',
  readyBy: () => '08:00',
  timeZone: () => 'Asia/Shanghai',
  timezone: () => 'Asia/Shanghai',
  roles: () => ['clerk'],
  code: () => `W${next()}`,
  urls: () => ['ldap://127.0.0.1:1'],
  from: () => '08:30',
  to: () => '17:30',
  consoleNetworks: () => ['10.8.0.0/16'],
  caCertificate: () => null,
  baseDn: () => 'ou=people,dc=walk',
  groupDn: () => 'cn=walk,dc=walk',
  serviceDn: () => 'cn=svc,dc=walk',
  groupBaseDn: () => 'ou=groups,dc=walk',
  userDnTemplate: () => 'uid={username},dc=walk',
  userFilter: () => '(uid={username})',
  loginAttribute: () => 'uid',
  displayNameAttribute: () => 'cn',
};

let n = 0;
const next = () => `${Date.now().toString(36)}${(n++).toString(36)}`;

export function refResource(field: string): string | undefined {
  return REF_FIELDS[field];
}

/** fields that place the written row in a site (the others name rows it refers to) */
export const SITE_FIELDS = new Set(['siteId', 'homeSiteId', 'parentId']);

export function exampleOf(schema: JsonSchema, refs: RefResolver, field = ''): unknown {
  if (REF_FIELDS[field]) return schema.type === 'array' || (Array.isArray(schema.type) && schema.type.includes('array')) ? [refs(field)] : refs(field);
  // by name only where the schema is a plain value (`command` is also the name of an agent command object)
  if (BY_NAME[field] && schema.type !== 'object' && !schema.oneOf && !schema.anyOf) return BY_NAME[field]!();
  const variants = schema.oneOf ?? schema.anyOf;
  if (variants) {
    // the variant that names the most rows exercises the most reference checks
    const score = (v: JsonSchema) => Object.keys(v.properties ?? {}).filter((k) => REF_FIELDS[k]).length;
    const best = [...variants].filter((v) => v.type !== 'null').sort((a, b) => score(b) - score(a))[0]!;
    return exampleOf(best, refs, field);
  }
  if (schema.enum) return schema.default !== undefined && schema.enum.includes(schema.default) ? schema.default : schema.enum[0];
  const type = Array.isArray(schema.type) ? schema.type.find((t) => t !== 'null') : schema.type;
  switch (type) {
    case 'object':
      return Object.fromEntries(Object.entries(schema.properties ?? {}).map(([k, v]) => [k, exampleOf(v, refs, k)]));
    case 'array':
      return schema.items ? [exampleOf(schema.items, refs, field)] : [];
    case 'integer':
    case 'number':
      return schema.minimum !== undefined ? Math.max(schema.minimum, Math.min(1, schema.maximum ?? 1)) : Math.min(1, schema.maximum ?? 1);
    case 'boolean':
      return false;
    case 'string':
      if (schema.format === 'uuid') return refs(field);
      if (schema.format === 'date') return '2027-01-04';
      if (schema.format === 'date-time') return '2027-01-04T00:00:00.000Z';
      return `walk${next()}`.padEnd(schema.minLength ?? 0, 'x');
    default:
      return null;
  }
}
