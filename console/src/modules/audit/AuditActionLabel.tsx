import { hasMessage, useT } from '../../i18n/i18n';

/** "窗口 · 新建" for window.create; an action the console has no words for shows the broker's Chinese name (`name`), else its code. */
export function auditActionText(action: string, t: ReturnType<typeof useT>, name?: string): string {
  const key = `audit.action.${action}`;
  if (hasMessage(key)) return t(key);
  const [type, verb] = action.split('.');
  const typeKey = `audit.type.${type}`;
  const verbKey = `audit.verb.${verb}`;
  if (hasMessage(typeKey) && hasMessage(verbKey)) return `${t(typeKey)} · ${t(verbKey)}`;
  return name ?? action;
}

export function AuditActionLabel({ action, name }: { action: string; name?: string }) {
  const t = useT();
  return (
    <span className="audit-action" title={action}>
      {auditActionText(action, t, name)}
    </span>
  );
}
