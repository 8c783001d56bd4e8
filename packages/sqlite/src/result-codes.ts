// SQLite's result codes by number (https://sqlite.org/rescode.html). node:sqlite reports an error's
// code only as a number (`errcode`, the extended code when SQLite gave one); better-sqlite3 and
// bun:sqlite report the name. The store reasons about names, so numbers are named here.
const PRIMARY: Record<number, string> = {
  1: 'SQLITE_ERROR',
  2: 'SQLITE_INTERNAL',
  3: 'SQLITE_PERM',
  4: 'SQLITE_ABORT',
  5: 'SQLITE_BUSY',
  6: 'SQLITE_LOCKED',
  7: 'SQLITE_NOMEM',
  8: 'SQLITE_READONLY',
  9: 'SQLITE_INTERRUPT',
  10: 'SQLITE_IOERR',
  11: 'SQLITE_CORRUPT',
  12: 'SQLITE_NOTFOUND',
  13: 'SQLITE_FULL',
  14: 'SQLITE_CANTOPEN',
  15: 'SQLITE_PROTOCOL',
  16: 'SQLITE_EMPTY',
  17: 'SQLITE_SCHEMA',
  18: 'SQLITE_TOOBIG',
  19: 'SQLITE_CONSTRAINT',
  20: 'SQLITE_MISMATCH',
  21: 'SQLITE_MISUSE',
  22: 'SQLITE_NOLFS',
  23: 'SQLITE_AUTH',
  24: 'SQLITE_FORMAT',
  25: 'SQLITE_RANGE',
  26: 'SQLITE_NOTADB',
};

// The extended codes the store tells apart; any other extended code is named `<base>_<number>`,
// which the error table's `_*` rows cover like any extended code of its base.
const EXTENDED: Record<number, string> = {
  261: 'SQLITE_BUSY_RECOVERY',
  517: 'SQLITE_BUSY_SNAPSHOT',
  773: 'SQLITE_BUSY_TIMEOUT',
  262: 'SQLITE_LOCKED_SHAREDCACHE',
  1032: 'SQLITE_READONLY_DBMOVED',
  264: 'SQLITE_READONLY_RECOVERY',
  520: 'SQLITE_READONLY_CANTLOCK',
  776: 'SQLITE_READONLY_ROLLBACK',
  1288: 'SQLITE_READONLY_CANTINIT',
  1544: 'SQLITE_READONLY_DIRECTORY',
  779: 'SQLITE_CORRUPT_INDEX',
  267: 'SQLITE_CORRUPT_VTAB',
  523: 'SQLITE_CORRUPT_SEQUENCE',
  275: 'SQLITE_CONSTRAINT_CHECK',
  531: 'SQLITE_CONSTRAINT_COMMITHOOK',
  787: 'SQLITE_CONSTRAINT_FOREIGNKEY',
  1043: 'SQLITE_CONSTRAINT_FUNCTION',
  1299: 'SQLITE_CONSTRAINT_NOTNULL',
  1555: 'SQLITE_CONSTRAINT_PRIMARYKEY',
  1811: 'SQLITE_CONSTRAINT_TRIGGER',
  2067: 'SQLITE_CONSTRAINT_UNIQUE',
  2323: 'SQLITE_CONSTRAINT_VTAB',
  2579: 'SQLITE_CONSTRAINT_ROWID',
  3091: 'SQLITE_CONSTRAINT_DATATYPE',
  266: 'SQLITE_IOERR_READ',
  778: 'SQLITE_IOERR_WRITE',
  1034: 'SQLITE_IOERR_FSYNC',
  3338: 'SQLITE_IOERR_SHMOPEN',
  4874: 'SQLITE_IOERR_SHMMAP',
  270: 'SQLITE_CANTOPEN_NOTEMPDIR',
  526: 'SQLITE_CANTOPEN_ISDIR',
  782: 'SQLITE_CANTOPEN_FULLPATH',
};

/**
 * The name of SQLite result code `code` (primary or extended), as better-sqlite3 and bun:sqlite
 * spell it.
 *
 * @example resultCodeName(2067) // 'SQLITE_CONSTRAINT_UNIQUE'
 * @example resultCodeName(5) // 'SQLITE_BUSY'
 * @example resultCodeName(4106) // 'SQLITE_IOERR_16' (an extended code without a name here)
 */
export function resultCodeName(code: number): string | undefined {
  const extended = EXTENDED[code];
  if (extended !== undefined) return extended;
  const base = PRIMARY[code & 0xff];
  if (base === undefined) return undefined;
  return code > 0xff ? `${base}_${code >> 8}` : base;
}

/**
 * The number of result code `name`, for tests that build a driver's error by hand.
 *
 * @example resultCodeNumber('SQLITE_CONSTRAINT_UNIQUE') // 2067
 */
export function resultCodeNumber(name: string): number | undefined {
  for (const table of [EXTENDED, PRIMARY]) {
    for (const [code, named] of Object.entries(table)) if (named === name) return Number(code);
  }
  return undefined;
}
