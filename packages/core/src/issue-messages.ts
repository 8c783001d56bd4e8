import type { z } from 'zod';

const KINDS: Readonly<Record<string, string>> = {
  string: 'a string',
  number: 'a number',
  int: 'a whole number',
  nan: 'a number',
  boolean: 'true or false',
  object: 'an object',
  array: 'a list',
};

function list(values: readonly unknown[] | undefined): string {
  return (values ?? []).map(String).join(', ');
}

function bound(issue: { origin?: string; minimum?: unknown; maximum?: unknown }, side: 'least' | 'most'): string {
  const limit = Number(side === 'least' ? issue.minimum : issue.maximum);
  if (issue.origin === 'string') return limit === 1 && side === 'least' ? 'must not be empty' : `must be at ${side} ${limit} characters`;
  if (issue.origin === 'array' || issue.origin === 'set') return `must list at ${side} ${limit}`;
  return `must be at ${side} ${limit}`;
}

/**
 * keyward's wording for zod's issues, so every field error reads the same ("is required",
 * "must be …") whichever rule refused it. Passed per parse, never installed globally: the host's
 * own zod schemas keep their own wording. Messages a schema sets itself win over this map.
 * @example schema.safeParse(value, { error: issueMessage })
 */
export const issueMessage: z.core.$ZodErrorMap = (issue) => {
  switch (issue.code) {
    case 'invalid_type':
      return issue.input === undefined ? 'is required' : `must be ${KINDS[issue.expected] ?? issue.expected}`;
    case 'too_small':
      return bound(issue, 'least');
    case 'too_big':
      return bound(issue, 'most');
    case 'invalid_value':
      return `must be one of ${list(issue.values)}`;
    case 'invalid_union':
      return 'options' in issue && Array.isArray(issue.options) ? `must be one of ${list(issue.options)}` : 'is not valid';
    default:
      return 'is not valid';
  }
};
