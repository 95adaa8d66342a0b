import { useQueryClient } from '@tanstack/react-query';
import { ApiError } from '../../api/api-error';
import { authApi, authKeys } from '../../api/auth';
import { useT } from '../../i18n/i18n';
import { EntityForm, type FieldSpec } from '../entity-form/EntityForm';

const FIELDS: FieldSpec[] = [
  { name: 'currentPassword', label: 'password.current', kind: 'password', required: true },
  { name: 'newPassword', label: 'password.new', kind: 'password', required: true, help: 'password.newHelp' },
  { name: 'repeat', label: 'password.repeat', kind: 'password', required: true },
];

/** 修改密码 for the signed-in console user; the broker checks the current password. */
export function PasswordChangeForm({ onDone, onCancel }: { onDone: () => void; onCancel?: () => void }) {
  const t = useT();
  const queryClient = useQueryClient();
  const submit = async (_body: Record<string, unknown>, values: Record<string, unknown>) => {
    const current = String(values.currentPassword ?? '');
    const next = String(values.newPassword ?? '');
    if (next !== String(values.repeat ?? '')) {
      throw new ApiError(400, 'VALIDATION_FAILED', '', { issues: [{ path: 'body.repeat', message: t('password.mismatch') }] });
    }
    await authApi.changePassword(current, next);
    await queryClient.invalidateQueries({ queryKey: authKeys.me });
    onDone();
  };
  return (
    <EntityForm
      testId="password-form"
      fields={FIELDS}
      initial={{ currentPassword: '', newPassword: '', repeat: '' }}
      mode="create"
      submitLabel={t('password.submit')}
      onSubmit={submit}
      {...(onCancel ? { onCancel } : {})}
    />
  );
}
