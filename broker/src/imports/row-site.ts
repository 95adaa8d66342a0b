import { nameKey } from '@yunzhuo/protocol/api/names';
import type { Actor } from '../auth/actor.js';
import { canAccess } from '../auth/policy.js';
import { Site } from '../sites/site.model.js';
import type { RowErrors } from './import-types.js';

/**
 * The site a row names by code, if the actor may write into it. A code no site has is a bad
 * value (VALIDATION_FAILED); a site outside the actor's subtree is refused (FORBIDDEN), as the
 * single-row API refuses a row created or moved into it.
 */
export async function writableSiteOf(actor: Actor, code: string | undefined, errors: RowErrors, column: string): Promise<Site | null> {
  if (!code) return null;
  const site = await Site.findOne({ where: { codeKey: nameKey(code) } });
  if (!site) errors.add(`${column}：找不到站点 ${code}`);
  else if (!canAccess(actor, 'write', site.id)) errors.add(`${column}：无权管理站点 ${code}`, 'FORBIDDEN');
  else return site;
  return null;
}
