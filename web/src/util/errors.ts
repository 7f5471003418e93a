// Server error codes -> the person's language. Unknown codes fall back to a
// generic sentence (the server's English message is for logs and API users).
import { isApiError } from '../api/client';
import type { MessageKey } from '../i18n';
import { useI18n } from '../i18n';

const KNOWN: Record<string, MessageKey> = {
  network: 'error.network',
  bad_credentials: 'error.bad_credentials',
  unauthenticated: 'error.bad_credentials',
  throttled: 'error.throttled',
  rate_limited: 'error.throttled',
  bad_code: 'error.bad_code',
  weak_password: 'error.weak_password',
  email_taken: 'error.email_taken',
  invalid_email: 'error.invalid_email',
  invalid_name: 'error.invalid_name',
  already_member: 'error.already_member',
  too_many_invitations: 'error.too_many_invitations',
  account_exists: 'error.account_exists',
  csrf: 'error.csrf',
  cross_site: 'error.csrf',
  cross_origin: 'error.csrf',
  last_owner: 'error.last_owner',
  archived: 'error.archived',
  forbidden: 'error.forbidden',
  not_found: 'error.not_found',
  gone: 'error.invitation_gone',
  accepted: 'error.invitation_accepted',
  revoked: 'error.invitation_revoked',
  expired: 'error.invitation_expired',
  bad_password: 'error.bad_password',
  invalid_expiry: 'error.invalid_expiry',
  mfa_enrollment_required: 'error.mfa_enrollment_required',
  self: 'error.self',
  setup_done: 'error.setup_done',
  bad_setup_token: 'error.bad_setup_token',
  no_pending_totp: 'error.no_pending_totp',
  too_large: 'error.too_large',
  invalid_field: 'error.invalid',
  invalid: 'error.invalid',
  unknown_module: 'error.invalid',
  name_taken: 'error.name_taken',
  not_joined: 'error.not_joined',
  invalid_members: 'error.invalid_members',
  invalid_body: 'error.invalid_body',
  invalid_topic: 'error.invalid',
  invalid_emoji: 'error.invalid',
  too_many_reactions: 'error.too_many_reactions',
  too_many_pins: 'error.too_many_pins',
  deleted: 'error.deleted',
  armoured_unsupported: 'error.armoured_unsupported',
  nested_thread: 'error.invalid',
  direct: 'error.invalid',
  too_many_calls: 'calls.error.too_many_calls',
};

export function errorKey(e: unknown): MessageKey {
  if (isApiError(e)) return KNOWN[e.code] ?? 'error.generic';
  return 'error.generic';
}

export function useErrorText(): (e: unknown) => string {
  const { t } = useI18n();
  return (e: unknown) => {
    const key = errorKey(e);
    if (key === 'error.throttled' && isApiError(e) && e.retryAfter) {
      return t('error.throttled_for', { count: e.retryAfter });
    }
    return t(key);
  };
}
