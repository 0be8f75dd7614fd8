import '../errors.ts';
import { isRefusalCode } from '../i18n/refusals.ts';
import { onStudioStore } from './studio-runtime.ts';

/**
 * Studio shows a failed save in a dialog headed by the code's title (Concord applies those as
 * `errors.CODE` translation strings) over a red monospace block "[CODE] message" cut at 200
 * characters. For Concord's refusals the dialog instead carries the whole message, already in the
 * user's language, as its text, with the code kept below it (and its details one click away).
 */

interface StudioNotification {
  dialog?: boolean;
  text?: string;
  error?: unknown;
}

interface ApiErrorBody {
  message?: unknown;
  extensions?: Record<string, unknown>;
}

/** Studio hands dialogs the failed request's error, or the first error of its body. */
function errorBody(error: unknown): ApiErrorBody | undefined {
  const e = error as { response?: { data?: { errors?: ApiErrorBody[] } }; errors?: ApiErrorBody[] } & ApiErrorBody;
  return e?.response?.data?.errors?.[0] ?? e?.errors?.[0] ?? (e?.extensions ? e : undefined);
}

export function wholeRefusal(notification: StudioNotification): void {
  const first = errorBody(notification.error);
  if (notification.text !== undefined || !notification.dialog || !first || !isRefusalCode(first.extensions?.['code']) || typeof first.message !== 'string') return;
  notification.text = first.message;
  // Studio's error block shows "[code] message"; with the message in the text it shows the code alone.
  notification.error = { message: '', extensions: first.extensions };
}

export function presentRefusalsWhole(): void {
  onStudioStore('notificationsStore', (store) =>
    store.$onAction(
      ({ name, args }) => {
        if (name === 'add') wholeRefusal(args[0] as StudioNotification);
      },
      // Kept for the life of the page, not of whatever scope is active while Studio loads extensions.
      true,
    ),
  );
}
