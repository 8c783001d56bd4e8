// Plural forms for message functions, as the locale files write them.

/**
 * A plural message for locale files: picks the form `Intl.PluralRules` names for `count`
 * (`zero`, `one`, `two`, `few`, `many`, `other`) and writes `{count}` for the locale.
 * @example
 * const deletedMany = ({ count }, locale) => plural(Number(count), locale, { one: '1 token deleted.', other: '{count} tokens deleted.' });
 */
export function plural(count: number, locale: string, forms: Partial<Record<Intl.LDMLPluralRule, string>> & { other: string }): string {
  const form = forms[new Intl.PluralRules(locale).select(count)] ?? forms.other;
  return form.replace('{count}', new Intl.NumberFormat(locale).format(count));
}
