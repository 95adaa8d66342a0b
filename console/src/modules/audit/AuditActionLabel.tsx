import { hasMessage, useT } from '../../i18n/i18n';

/** "窗口 · 新建" for window.create; unknown actions show their code. */
export function auditActionText(action: string, t: ReturnType<typeof useT>): string {
  const key = `audit.action.${action}`;
  if (hasMessage(key)) return t(key);
  const [type, verb] = action.split('.');
  const typeKey = `audit.type.${type}`;
  const verbKey = `audit.verb.${verb}`;
  if (hasMessage(typeKey) && hasMessage(verbKey)) return `${t(typeKey)} · ${t(verbKey)}`;
  return action;
}

export function AuditActionLabel({ action }: { action: string }) {
  const t = useT();
  return (
    <span className="audit-action" title={action}>
      {auditActionText(action, t)}
    </span>
  );
}
