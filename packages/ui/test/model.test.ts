// The element's state and texts, without a browser.
import { describe, expect, test } from 'vitest';
import type { TokenListItem } from '../src/api.js';
import { TokensModel, type Change } from '../src/state.js';
import { DEFAULT_STRINGS, format } from '../src/strings.js';

const token = (id: string): TokenListItem => ({
  id,
  organizationId: 'org_1',
  name: `Token ${id}`,
  scope: { kind: 'organization' },
  hint: 'kw_abcd',
  createdAt: 1,
  createdBy: 'user_1',
  expiresAt: null,
  enabled: true,
  rateLimit: null,
  remaining: null,
  refill: null,
  nextRefillAt: null,
  lastUsedAt: null,
  permissions: null,
  metadata: null,
  previousSecret: null,
  status: 'active',
  expiresSoon: false,
  scopeLabel: 'Organization',
});

describe('TokensModel', () => {
  test('a first page replaces the list, a later one appends without duplicates', () => {
    const model = new TokensModel();
    model.setPage({ items: [token('a'), token('b')], nextCursor: 'c1' }, false);
    model.setPage({ items: [token('b'), token('c')], nextCursor: null }, true);
    expect(model.state.tokens.map((t) => t.id)).toEqual(['a', 'b', 'c']);
    expect(model.state.nextCursor).toBeNull();
    expect(model.state.phase).toBe('ready');
  });

  test('selection holds only listed ids, and loses deleted or vanished ones', () => {
    const model = new TokensModel();
    model.setPage({ items: [token('a'), token('b'), token('c')], nextCursor: null }, false);
    model.toggle('a', true);
    model.toggle('zzz', true);
    expect([...model.state.selected]).toEqual(['a']);
    model.selectAll(true);
    expect(model.selectedTokens().map((t) => t.id)).toEqual(['a', 'b', 'c']);
    model.removeTokens(['b']);
    expect([...model.state.selected].sort()).toEqual(['a', 'c']);
    model.setPage({ items: [token('a')], nextCursor: null }, false);
    expect([...model.state.selected]).toEqual(['a']);
    model.setPhase('forbidden');
    expect(model.state.tokens).toEqual([]);
    expect(model.state.selected.size).toBe(0);
  });

  test('a leak follows its secret through a roll: current → previous while that still works, previous → gone; other changes keep it', () => {
    const model = new TokensModel();
    const leak = { at: 5, url: 'https://github.com/o/r', source: 'content', secret: 'current' as const };
    model.setPage({ items: [{ ...token('a'), leak }, { ...token('b'), leak }, { ...token('c'), leak: { ...leak, secret: 'previous' } }], nextCursor: null }, false);
    const { status: _s, scopeLabel: _l, expiresSoon: _e, leak: _k, ...info } = token('x');
    const grace = { hint: 'kw_old1', expiresAt: 99 };
    model.updateToken({ ...info, id: 'a', name: 'Renamed' });
    model.updateToken({ ...info, id: 'b', previousSecret: grace }, true);
    model.updateToken({ ...info, id: 'c', previousSecret: grace }, true);
    expect(model.state.tokens.map((t) => [t.name, t.leak?.secret ?? null])).toEqual([
      ['Renamed', 'current'],
      ['Token x', 'previous'],
      ['Token x', null],
    ]);
    model.updateToken({ ...info, id: 'a' }, true);
    expect(model.state.tokens[0]!.leak).toBeNull();
  });

  test('listeners hear which parts changed', () => {
    const model = new TokensModel();
    const heard: Change[][] = [];
    const stop = model.subscribe((changes) => heard.push([...changes]));
    model.setPage({ items: [token('a')], nextCursor: null }, false);
    model.toggle('a', true);
    model.setPreview({ expiresIn: 'never', expiresAt: null });
    stop();
    model.toggle('a', false);
    expect(heard).toEqual([['phase', 'rows', 'selection', 'more'], ['selection'], ['preview']]);
  });
});

describe('strings', () => {
  test('placeholders are filled, unknown ones left as they are, overrides win, functions get the params', () => {
    expect(format({}, 'selectToken', { name: 'CI' })).toBe('Select CI');
    expect(format({}, 'confirmDeleteMany', {})).toBe('Delete {count} tokens?');
    expect(format({ selectToken: 'Auswählen: {name}' }, 'selectToken', { name: 'CI' })).toBe('Auswählen: CI');
    expect(format({ confirmDeleteMany: ({ count }) => `${count} Tokens löschen?` }, 'confirmDeleteMany', { count: 3 })).toBe('3 Tokens löschen?');
  });

  test('every default text is non-empty', () => {
    for (const [key, text] of Object.entries(DEFAULT_STRINGS)) expect(text.length, key).toBeGreaterThan(0);
  });
});
