// A shell session in the docs that shows status codes shows the ones curl prints: `curl -s` prints
// the body alone, so a comment promising `# 201 …` beside it is a status the reader never sees.

/** A curl command of a shell block, its continuation lines joined, with the comments that follow it. */
export interface CurlCommand {
  /** 1-based line of the command within the block. */
  line: number;
  command: string;
  comment: string;
}

/**
 * The curl commands of a shell block, each with its trailing comment and the comment lines under it.
 * @example curlCommands("curl -s localhost:3000   # 200\n# more") // [{ line: 1, command: 'curl -s localhost:3000', comment: '200\nmore' }]
 */
export function curlCommands(block: string): CurlCommand[] {
  const commands: CurlCommand[] = [];
  const lines = block.split('\n');
  let current: CurlCommand | undefined;
  let continued = false;
  for (const [index, raw] of lines.entries()) {
    const line = raw.trim();
    if (continued && current) {
      current.command += ` ${line.replace(/\\$/, '').trim()}`;
    } else if (/^curl\s/.test(line)) {
      current = { line: index + 1, command: line.replace(/\\$/, '').trim(), comment: '' };
      commands.push(current);
    } else if (line.startsWith('#') && current) {
      current.comment += `${current.comment ? '\n' : ''}${line.replace(/^#\s*/, '')}`;
      continue;
    } else {
      current = undefined;
    }
    continued = line.endsWith('\\');
    if (!continued && current) {
      // A trailing comment: `curl … # 200`.
      const at = current.command.search(/\s#\s/);
      if (at !== -1) {
        current.comment += `${current.comment ? '\n' : ''}${current.command.slice(at).replace(/^\s*#\s*/, '')}`;
        current.command = current.command.slice(0, at).trim();
      }
    }
  }
  return commands;
}

/** Whether a comment promises an HTTP status (`# 201 …`, `# HTTP/1.1 404 Not Found`). */
export const showsStatus = (comment: string): boolean => /(^|\s)(HTTP\/[\d.]+\s+)?[1-5]\d\d\b/.test(comment);

/** Whether curl prints the status line: `-i`, `--include`, `-v`, or a `-w` write-out. */
export const printsStatus = (command: string): boolean => /(^|\s)(-[A-Za-z]*[iv][A-Za-z]*|--include|--verbose|-w|--write-out)(\s|$)/.test(command);
