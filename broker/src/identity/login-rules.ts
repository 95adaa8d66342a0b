import { BlockList, isIP } from 'node:net';
import type { LoginRuleSettings } from '@yunzhuo/protocol/api/identity';
import { AccountDepartment, type Account } from '../accounts/account.model.js';
import type { AuditService } from '../audit/audit.service.js';
import { AppError } from '../lib/app-error.js';
import type { Clock } from '../lib/clock.js';
import type { LiveEvents } from '../lib/live-events.js';
import { CalendarDay } from '../lifecycle/warmup/calendar-day.model.js';
import { isWorkingDay, localTime } from '../lifecycle/warmup/warmup-calendar.js';
import type { SiteTree } from '../sites/site-tree.js';
import { LoginRule } from './login-rule.model.js';

/** rules are read at most this often (the 8:30 rush); any change to one drops the copy at once */
const RULES_TTL_MS = 5000;
const MON_TO_FRI = { days: [1, 2, 3, 4, 5] };

type Restriction = 'window-site' | 'hours' | 'console-network';
const REASONS: Record<Restriction, string> = {
  'window-site': '不能在本窗口所在站点登录',
  hours: '当前不在允许登录的时间',
  'console-network': '不能从当前网络地址登录管理台',
};

/**
 * Login rules per account, department or role: where (window sites), when (office hours on
 * working days, on the injected Clock and the holiday calendar) and, for the console, from which
 * networks. A refusal names the rule (LOGIN_RULE_REFUSED, in Chinese) and the caller audits it.
 * With no rule at all a login costs one cached read.
 */
export class LoginRules {
  /** the read in flight or done: logins arriving together (the 8:30 rush) share one query */
  #cache: { at: number; rules: Promise<LoginRule[]> } | null = null;

  constructor(private readonly deps: { siteTree: SiteTree; clock: Clock; events: LiveEvents; audit: AuditService }) {
    deps.events.subscribe((event) => {
      if (event.type === 'resource.changed' && (event.data as { resource: string }).resource === 'login-rules') this.#cache = null;
    });
  }

  /** A window login at a terminal of `siteId`. */
  async checkWindow(account: Account, siteId: string): Promise<void> {
    for (const rule of await this.#applicable(account)) {
      const s = rule.settings;
      if (s.windowsAtHomeSite && account.homeSiteId && !(await this.deps.siteTree.subtreeIds(account.homeSiteId)).includes(siteId))
        this.#refuse(rule, 'window-site', { siteId });
      if (s.allowedSiteIds.length > 0) {
        const allowed = (await Promise.all(s.allowedSiteIds.map((id) => this.deps.siteTree.subtreeIds(id)))).flat();
        if (!allowed.includes(siteId)) this.#refuse(rule, 'window-site', { siteId });
      }
      await this.#checkHours(rule);
    }
  }

  /** A console sign-in from `address`. */
  async checkConsole(account: Account, address: string | null): Promise<void> {
    for (const rule of await this.#applicable(account)) {
      const networks = rule.settings.consoleNetworks;
      if (networks.length > 0 && !(address && inNetworks(address, networks))) this.#refuse(rule, 'console-network', { address });
      await this.#checkHours(rule);
    }
  }

  async #checkHours(rule: LoginRule): Promise<void> {
    const hours = rule.settings.hours;
    if (!hours) return;
    const now = localTime(this.deps.clock.now(), hours.timeZone);
    const minutes = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));
    let ok = now.minutes >= minutes(hours.from) && now.minutes < minutes(hours.to);
    if (ok && hours.workingDaysOnly) {
      const listed = await CalendarDay.findOne({ where: { date: now.date } });
      ok = isWorkingDay(MON_TO_FRI, now, new Map(listed ? [[listed.date, listed.kind]] : []));
    }
    if (!ok) this.#refuse(rule, 'hours', { from: hours.from, to: hours.to, workingDaysOnly: hours.workingDaysOnly });
  }

  #refuse(rule: LoginRule, restriction: Restriction, details: Record<string, unknown>): never {
    throw new AppError(
      'LOGIN_RULE_REFUSED',
      { rule: rule.name, ruleId: rule.id, restriction, ...details },
      `登录规则「${rule.name}」：${REASONS[restriction]} / Login rule "${rule.name}" refuses this login (${restriction})`,
    );
  }

  async #applicable(account: Account): Promise<LoginRule[]> {
    const rules = await this.#rules();
    if (rules.length === 0) return [];
    const inSite = await Promise.all(
      rules.map(
        async (r) => r.siteId === null || (account.homeSiteId !== null && (await this.deps.siteTree.subtreeIds(r.siteId)).includes(account.homeSiteId)),
      ),
    );
    const candidates = rules.filter((_, i) => inSite[i]);
    const needsDepartments = candidates.some((r) => r.settings.departmentIds.length > 0);
    const departments = needsDepartments
      ? new Set((await AccountDepartment.findAll({ where: { accountId: account.id } })).map((d) => d.departmentId))
      : new Set<string>();
    return candidates.filter((r) => appliesTo(r.settings, account, departments));
  }

  #rules(): Promise<LoginRule[]> {
    const now = this.deps.clock.now();
    if (this.#cache && now - this.#cache.at < RULES_TTL_MS) return this.#cache.rules;
    const cache = {
      at: now,
      rules: LoginRule.findAll({
        where: { enabled: true },
        order: [
          ['name', 'ASC'],
          ['id', 'ASC'],
        ],
      }),
    };
    this.#cache = cache;
    // a failed read is not kept: the next login asks again
    cache.rules.catch(() => {
      if (this.#cache === cache) this.#cache = null;
    });
    return cache.rules;
  }
}

function appliesTo(s: LoginRuleSettings, account: Account, departments: ReadonlySet<string>): boolean {
  if (s.roles.length === 0 && s.departmentIds.length === 0 && s.accountIds.length === 0) return true;
  return s.roles.some((r) => account.roles.includes(r)) || s.departmentIds.some((d) => departments.has(d)) || s.accountIds.includes(account.id);
}

/** Throws on a network BlockList cannot read (checked when a rule is written). */
export function assertNetworks(networks: readonly string[]): void {
  inNetworks('127.0.0.1', networks);
}

function inNetworks(address: string, networks: readonly string[]): boolean {
  const list = new BlockList();
  for (const network of networks) {
    const [ip, bits] = network.split('/');
    const family = isIP(ip ?? '') === 6 ? 'ipv6' : 'ipv4';
    if (bits === undefined) list.addAddress(ip ?? '', family);
    else list.addSubnet(ip ?? '', Number(bits), family);
  }
  const plain = address.startsWith('::ffff:') ? address.slice(7) : address;
  return list.check(plain, isIP(plain) === 6 ? 'ipv6' : 'ipv4');
}
