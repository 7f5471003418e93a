// Server error codes in calendar words.
import { isApiError } from '../../api';
import { useI18n, type MessageKey } from '../../i18n';
import { useErrorText } from '../../util/errors';

const CALENDAR_ERRORS: Record<string, MessageKey> = {
  invalid_title: 'calendar.error.invalid_title',
  invalid_description: 'calendar.error.invalid_description',
  invalid_location: 'calendar.error.invalid_location',
  invalid_time: 'calendar.error.invalid_time',
  invalid_timezone: 'calendar.error.invalid_timezone',
  invalid_rrule: 'calendar.error.invalid_rrule',
  invalid_event: 'calendar.error.invalid_event',
  invalid_attendees: 'calendar.error.invalid_attendees',
  invalid_partstat: 'calendar.error.invalid_partstat',
  invalid_recurrence_id: 'calendar.error.invalid_recurrence_id',
  invalid_field: 'calendar.error.invalid_field',
  invalid_scope: 'calendar.error.invalid_scope',
  armoured_unsupported: 'calendar.error.armoured_unsupported',
  too_many_changes: 'calendar.error.too_many_changes',
  event_too_large: 'calendar.error.event_too_large',
  too_many_answers: 'calendar.error.too_many_answers',
  not_invited: 'calendar.error.not_invited',
  too_many_invitations: 'calendar.error.too_many_invitations',
  calendar_full: 'calendar.error.calendar_full',
  precondition_failed: 'calendar.changed',
  read_only: 'calendar.read_only',
  // A subscription's address, and its reads (docs/calendar.md "Subscriptions").
  invalid_url: 'subscriptions.error.invalid_url',
  feed_status: 'subscriptions.error.feed_status',
  invalid_feed: 'subscriptions.error.invalid_feed',
  feed_too_large: 'subscriptions.error.feed_too_large',
  too_large: 'subscriptions.error.feed_too_large',
  address_refused: 'subscriptions.error.address_refused',
  unreachable: 'subscriptions.error.unreachable',
  egress_disabled: 'subscriptions.error.egress_disabled',
  too_many_subscriptions: 'subscriptions.error.too_many_subscriptions',
};

export function useCalendarErrorText(): (e: unknown) => string {
  const text = useErrorText();
  const { t } = useI18n();
  return (e) => {
    const key = isApiError(e) ? CALENDAR_ERRORS[e.code] : undefined;
    return key ? t(key) : text(e);
  };
}
