// Every word the element shows, in English. Replace any of them through the `strings` property;
// `@keyward/ui/locales` ships complete German and Arabic tables.

/**
 * A message: plain text with `{placeholders}`, or a function of the same parameters and the
 * locale (for plurals: see `plural` in `@keyward/ui/locales`). In plain text, numbers are
 * formatted for the locale (`Intl.NumberFormat`); a function gets them raw.
 */
export type Message = string | ((params: Record<string, string | number>, locale: string) => string);

export const DEFAULT_STRINGS = {
  createHeading: 'Create a token',
  nameLabel: 'Name',
  namePlaceholder: 'e.g. Production integration',
  scopeLabel: 'Scope',
  scopeOrganization: 'Organization',
  scopeOrganizationOption: 'Organization: every project',
  scopeProjectOption: 'Project: {name}',
  expiryLabel: 'Expiration',
  expiry1d: '1 day',
  expiry7d: '7 days',
  expiry30d: '30 days',
  expiry60d: '60 days',
  expiry90d: '90 days',
  expiryNever: 'Never',
  permissionsLabel: 'Permissions',
  permissionsHint: 'What the token may do, within its scope. Pick at least one.',
  previewExpires: 'Expires on {date}',
  previewNever: 'This token will never expire.',
  previewLoading: 'Working out the expiry date…',
  createButton: 'Create',
  creating: 'Creating…',
  created: 'Token "{name}" created.',
  tokensHeading: 'Tokens',
  tableCaption: 'API tokens of this organization',
  selectAll: 'Select all tokens',
  selectToken: 'Select {name}',
  columnName: 'Name',
  columnScope: 'Scope',
  columnCreated: 'Created',
  columnExpires: 'Expires',
  columnLastActive: 'Last active',
  columnPermissions: 'Permissions',
  columnStatus: 'Status',
  columnActions: 'Actions',
  never: 'Never',
  neverUsed: 'Never',
  statusActive: 'Active',
  statusExpired: 'Expired',
  statusExpiresSoon: 'Expires soon',
  permissionsNone: 'None',
  permissionsCount: '{count} permissions',
  previousSecret: 'Previous secret {hint} valid until {date}',
  rowActions: 'Actions for {name}',
  bulkActions: 'Actions for selected tokens',
  renameAction: 'Rename',
  rollAction: 'Roll secret',
  deleteAction: 'Delete',
  deleteSelected: 'Delete selected',
  deleteSelectedCount: 'Delete selected ({count})',
  loading: 'Loading tokens…',
  loadMore: 'Load more',
  empty: 'No tokens yet. Create one above.',
  loadFailed: 'The tokens could not be loaded: {detail}',
  retry: 'Try again',
  unreachable: 'the server could not be reached.',
  forbiddenHeading: "You don't have access to API tokens",
  forbiddenText: 'Only owners and admins of this organization can see and manage its tokens.',
  unauthenticated: 'Sign in to manage API tokens.',
  revealHeading: 'Your new token',
  revealWarning: 'Copy it now. This is the only time it is shown: once you close this dialog it cannot be retrieved again. Keep it in a password manager or secrets vault.',
  revealLabel: 'Token value',
  copy: 'Copy',
  copied: 'Copied',
  copyFailed: 'Copy failed: select the token and copy it by hand.',
  revealDone: 'I have saved it',
  confirmDeleteOne: 'Delete "{name}"?',
  confirmDeleteMany: 'Delete {count} tokens?',
  confirmDeleteText: 'Anything using {what} loses access immediately. This cannot be undone.',
  confirmWhatOne: 'this token',
  confirmWhatMany: 'these tokens',
  cancel: 'Cancel',
  confirmDelete: 'Delete',
  deletedOne: 'Token "{name}" deleted.',
  deletedMany: '{count} tokens deleted.',
  alreadyDeleted: 'Already deleted by someone else: {names}.',
  deleteFailed: 'Could not delete: {detail}',
  renameHeading: 'Rename "{name}"',
  renameText: 'Only the name changes: the secret stays the same.',
  renameSave: 'Save',
  renamed: 'Token renamed to "{name}".',
  rollHeading: 'Roll the secret of "{name}"?',
  rollText: 'The new secret is shown once. The current one keeps working for the time you choose, so running jobs can switch over.',
  rollGraceLabel: 'Current secret keeps working',
  graceNow: 'Immediately',
  grace1h: '1 hour',
  grace24h: '24 hours',
  grace3d: '3 days',
  grace7d: '7 days',
  rollConfirm: 'Roll secret',
  rollRevealHeading: 'The new secret of "{name}"',
  rolled: 'Secret of "{name}" rolled.',
  rollFailed: 'Could not roll the secret: {detail}',
  justNow: 'just now',
  requestFailed: 'Something went wrong: {detail}',
  nameTaken: 'A token named "{name}" already exists.',
  loadMoreFailed: 'Could not load more tokens: {detail}',
  pauseAction: 'Pause',
  resumeAction: 'Resume',
  statusPaused: 'Paused',
  paused: 'Token "{name}" paused: it is refused until resumed.',
  resumed: 'Token "{name}" resumed.',
  updateFailed: 'Could not save the change: {detail}',
  limitsLabel: 'Limits (optional)',
  limitsAction: 'Limits',
  rateLimitLabel: 'Rate limit: requests',
  windowLabel: 'Per',
  window1s: 'second',
  window1m: 'minute',
  window1h: 'hour',
  window1d: 'day',
  windowSeconds: '{count} seconds',
  creditsLabel: 'Credits',
  refillLabel: 'Refill credits',
  refillNever: 'Never',
  refill1d: 'Every day',
  refill7d: 'Every 7 days',
  refill30d: 'Every 30 days',
  limitsHint: 'Empty: no limit. A refill sets the credits back to the number above.',
  refillNeedsCredits: 'Enter the credits to refill to.',
  columnLimits: 'Limits',
  creditsLeft: 'Credits left: {count}',
  creditsRefill: 'Credits left: {count} of {amount}',
  rateShown: '{count} per {window}',
  limitsNone: 'None',
  limitsHeading: 'Limits of "{name}"',
  limitsText: 'Empty fields remove a limit. New credits start a new refill period.',
  limitsSaved: 'Limits of "{name}" saved.',
} satisfies Record<string, Message>;

export type StringKey = keyof typeof DEFAULT_STRINGS;
export type Strings = Record<StringKey, Message>;

/**
 * The message for `key` with `{placeholders}` filled in from `params`; numbers are written for
 * `locale` (default: English).
 * @example format({ ...DEFAULT_STRINGS }, 'selectToken', { name: 'CI' }) // 'Select CI'
 * @example format({}, 'deletedMany', { count: 1200 }, 'de') // '1.200 tokens deleted.'
 */
export function format(strings: Partial<Strings>, key: StringKey, params: Record<string, string | number> = {}, locale = 'en'): string {
  const message = strings[key] ?? DEFAULT_STRINGS[key];
  if (typeof message === 'function') return message(params, locale);
  const numbers = new Intl.NumberFormat(locale);
  return message.replace(/\{(\w+)\}/g, (whole, name: string) => {
    if (!Object.hasOwn(params, name)) return whole;
    const value = params[name]!;
    return typeof value === 'number' ? numbers.format(value) : value;
  });
}
