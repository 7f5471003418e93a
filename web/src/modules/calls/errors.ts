// Server error codes and call failures in calls words.
import { isApiError } from '../../api';
import { useI18n, type MessageKey } from '../../i18n';
import { useErrorText } from '../../util/errors';
import type { CallFailure } from './session';

const CALLS_ERRORS: Record<string, MessageKey> = {
  too_many_calls: 'calls.error.too_many_calls',
  call_full: 'calls.error.call_full',
  call_ended: 'calls.error.call_ended',
  read_only: 'calls.read_only',
};

/** Why joining failed, or why the tab is out of the call. */
export const FAILURE_TEXT: Record<CallFailure, MessageKey> = {
  call_full: 'calls.error.call_full',
  call_ended: 'calls.error.call_ended',
  not_found: 'calls.error.not_found',
  network: 'calls.error.network',
  other: 'calls.error.other',
};

export function useCallsErrorText(): (e: unknown) => string {
  const text = useErrorText();
  const { t } = useI18n();
  return (e) => {
    const key = isApiError(e) ? CALLS_ERRORS[e.code] : undefined;
    return key ? t(key) : text(e);
  };
}
