import { fileURLToPath } from 'node:url';

/**
 * One frame of a V8 stack trace, innermost (the throw site) first.
 * `line` and `column` are 1-based and absent for frames without a position (`native`, `<anonymous>`, `index 0`).
 */
export interface StackFrame {
  /** The function as V8 names it: `handler`, `Foo.bar`, `new Foo`, `Object.<anonymous>`, `eval`; `<anonymous>` when unnamed. */
  func: string;
  /** A file path (`file://` URLs are turned into paths), `node:internal/...`, `native` or `<anonymous>`. */
  file: string;
  line?: number;
  column?: number;
  /** Present (true) on frames V8 marks `async`: the caller awaiting the frame above. */
  async?: true;
}

/** Which frames to leave out of a parsed stack. */
export interface StackTrimOptions {
  /** Leave out frames inside Node itself (`node:` files, `internal/...`, `native`). Default true. */
  trimNodeInternals?: boolean;
  /** Leave out frames in files under a `node_modules` directory. Default false. */
  trimNodeModules?: boolean;
}

const FRAME_PREFIX = /^\s*at\s+/;
// `file:line:column` or `file:line`, the file being anything (Windows drive letters and URLs hold colons).
const LOCATION = /^(.*?):(\d+)(?::(\d+))?$/;

/**
 * Splits `func (location)` at the parenthesised group that closes the text (a function name may itself hold
 * parentheses: `Foo.<computed> [as (x)]`); undefined when the text does not end with one.
 */
const splitTrailingGroup = (text: string): [before: string, inside: string] | undefined => {
  if (!text.endsWith(')')) return undefined;
  let depth = 0;
  for (let i = text.length - 1; i >= 0; i--) {
    const c = text[i];
    if (c === ')') depth++;
    else if (c === '(' && --depth === 0) return [text.slice(0, i).trimEnd(), text.slice(i + 1, -1)];
  }
  return undefined;
};

/** The text of the first balanced `( ... )` group. */
const firstGroup = (text: string): string | undefined => {
  const start = text.indexOf('(');
  if (start < 0) return undefined;
  let depth = 0;
  for (let i = start; i < text.length; i++) {
    if (text[i] === '(') depth++;
    else if (text[i] === ')' && --depth === 0) return text.slice(start + 1, i);
  }
  return undefined;
};

const toPath = (file: string): string => {
  if (!file.startsWith('file://')) return file;
  try {
    return fileURLToPath(file);
  } catch {
    return file;
  }
};

const parseLocation = (text: string): Pick<StackFrame, 'file' | 'line' | 'column'> => {
  let location = text;
  // `eval at outer (file:3:10), <anonymous>:1:7`: the position inside the evaluated string says little; where
  // eval (or `new Function`) was called does. Nested evals are unwrapped down to the file.
  while (location.startsWith('eval at ')) {
    const origin = firstGroup(location);
    if (origin === undefined) break;
    location = origin;
  }
  const m = LOCATION.exec(location);
  if (m === null) return { file: toPath(location) };
  const frame: Pick<StackFrame, 'file' | 'line' | 'column'> = { file: toPath(m[1]), line: Number(m[2]) };
  if (m[3] !== undefined) frame.column = Number(m[3]);
  return frame;
};

/** Parses one `    at ...` line; undefined when the line is not a frame. */
export const parseFrame = (line: string): StackFrame | undefined => {
  const prefix = FRAME_PREFIX.exec(line);
  if (prefix === null) return undefined;
  let body = line.slice(prefix[0].length).trim();
  let isAsync = false;
  if (body.startsWith('async ')) {
    isAsync = true;
    body = body.slice(6);
  }
  let frame: StackFrame;
  const withFunc = splitTrailingGroup(body);
  if (withFunc !== undefined && withFunc[0].length > 0) {
    frame = { func: withFunc[0], ...parseLocation(withFunc[1]) };
  } else if (body === 'native' || body === '<anonymous>') {
    frame = { func: '<anonymous>', file: body };
  } else {
    frame = { func: '<anonymous>', ...parseLocation(body) };
  }
  if (isAsync) frame.async = true;
  return frame;
};

/** Parses the frames of a V8 `error.stack` string (the header lines, whatever the message, are skipped). */
export const parseStack = (stack: string, options: StackTrimOptions = {}): StackFrame[] => {
  const trimInternals = options.trimNodeInternals ?? true;
  const trimModules = options.trimNodeModules ?? false;
  const frames: StackFrame[] = [];
  for (const line of stack.split('\n')) {
    const frame = parseFrame(line);
    if (frame === undefined) continue;
    if (trimInternals && isNodeInternal(frame.file)) continue;
    if (trimModules && isNodeModules(frame.file)) continue;
    frames.push(frame);
  }
  return frames;
};

/**
 * The frames of an error's stack, without its header. The header is cut by its known text (`name: message`)
 * first, so that a message whose lines look like frames is not mistaken for them.
 */
export const stackFrames = (stack: string, header: string | undefined, options?: StackTrimOptions): StackFrame[] => {
  const body = header !== undefined && header.length > 0 && stack.startsWith(header) ? stack.slice(header.length) : stack;
  return parseStack(body, options);
};

const isNodeInternal = (file: string): boolean => file.startsWith('node:') || file.startsWith('internal/') || file === 'native';

const isNodeModules = (file: string): boolean => /[/\\]node_modules[/\\]/.test(file);
