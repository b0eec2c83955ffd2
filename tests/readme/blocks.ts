// Extracts the TypeScript code blocks of Markdown files and compiles them (tsc strict, NodeNext) against the
// workspace packages, mapping every diagnostic back to the Markdown file, block and line.
//
// Conventions (see CONTRIBUTING.md):
// - Every ```ts / ```typescript block is compiled, each as its own ES module.
// - A block whose first line is `// <name>.ts`, or with `<!-- ts-file <name>.ts -->` right above it, is written as
//   that file, so another block of the same Markdown file can import it (`import { handler } from './handler.js'`).
// - `<!-- ts-prelude ... -->` right above a block: code compiled before the block and not shown (declarations of the
//   helpers the example calls, e.g. `declare function connect(host: string): Promise<void>;`).
// - `<!-- ts-continues -->` right above a block: the block continues the previous block of the same file (its
//   declarations are in scope).
// - ```ts no-check: <reason> — a deliberately partial block, not compiled. The reason is required; keep these rare.
import { mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { typecheck } from '@lambdaware/testkit';

export interface Block {
  /** The Markdown file, relative to the repository root. */
  file: string;
  /** 1-based index among the TypeScript blocks of the file. */
  index: number;
  /** Line of the opening fence in the Markdown file (1-based). */
  fenceLine: number;
  code: string;
  prelude?: string;
  continues: boolean;
  /** Set for `no-check` blocks: the reason given (possibly empty, which is an error). */
  noCheck?: string;
  /** `// name.ts` on the first line. */
  fileName?: string;
}

const FENCE = /^(\s*)(`{3,}|~{3,})\s*([\w+-]*)\s*(.*)$/;
const TS_LANGS = new Set(['ts', 'typescript', 'mts']);

export const extractBlocks = (file: string, markdown: string): Block[] => {
  const lines = markdown.split('\n');
  const blocks: Block[] = [];
  let i = 0;
  while (i < lines.length) {
    const open = FENCE.exec(lines[i]);
    if (open === null) {
      i++;
      continue;
    }
    const [, indent, fence, lang, info] = open;
    const fenceLine = i + 1;
    const body: string[] = [];
    i++;
    const isClosing = (text: string): boolean => {
      const t = text.trim();
      return t.length >= fence.length && [...t].every((c) => c === fence[0]);
    };
    while (i < lines.length && !isClosing(lines[i])) {
      body.push(lines[i].startsWith(indent) ? lines[i].slice(indent.length) : lines[i].trimStart());
      i++;
    }
    i++; // closing fence
    if (!TS_LANGS.has(lang.toLowerCase())) continue;
    // The HTML comment right above the fence (blank lines between allowed).
    let j = fenceLine - 2;
    while (j >= 0 && lines[j].trim() === '') j--;
    let comment = '';
    if (j >= 0 && lines[j].trim().endsWith('-->')) {
      let k = j;
      while (k >= 0 && !lines[k].includes('<!--')) k--;
      if (k >= 0)
        comment = lines
          .slice(k, j + 1)
          .join('\n')
          .trim();
    }
    // `<!-- ts-prelude (a note on the rest of this line)` then the code lines, then `-->`
    const prelude = /^<!--\s*ts-prelude\b[^\n]*\n([\s\S]*?)-->$/.exec(comment)?.[1];
    const noCheck = /(?:^|\s)no-check\b[:\s—-]*(.*)$/.exec(info);
    const first = /^\/\/\s*([\w./-]+\.m?ts)\s*$/.exec(body[0] ?? '') ?? /^<!--\s*ts-file\s+([\w./-]+\.m?ts)\s*-->$/.exec(comment);
    blocks.push({
      file,
      index: blocks.length + 1,
      fenceLine,
      code: body.join('\n'),
      prelude: prelude?.trim(),
      continues: /^<!--\s*ts-continues\s*-->$/.test(comment),
      noCheck: noCheck === null ? undefined : noCheck[1].trim(),
      fileName: first?.[1],
    });
  }
  return blocks;
};

/** A stretch of a generated file that comes from one block: generated lines [from, from+count) are block lines. */
interface Segment {
  from: number;
  count: number;
  block: Block;
  /** The block's ts-prelude rather than the block. */
  prelude?: boolean;
}

export interface BlockError {
  file: string;
  block: number;
  /** Line in the Markdown file. */
  line: number;
  message: string;
}

export interface CompileResult {
  /** Diagnostics in blocks, by Markdown file. */
  errors: BlockError[];
  /** Diagnostics anywhere else (a package source, a prelude): the whole output line. */
  other: string[];
  compiled: number;
}

const slug = (file: string): string => file.replace(/[^\w.-]+/g, '_');

/**
 * Writes the blocks under `workDir` (which must sit inside the workspace, so that `node_modules` and `@types/node`
 * resolve), compiles them with one `tsc -p`, and maps the diagnostics back.
 */
export const compileBlocks = async (blocks: Block[], workDir: string, repoRoot: string): Promise<CompileResult> => {
  rmSync(workDir, { recursive: true, force: true });
  mkdirSync(workDir, { recursive: true });
  const generated = new Map<string, Segment[]>();
  const previous = new Map<string, { code: string; segments: Segment[] }>();
  const used = new Set<string>();
  for (const block of blocks) {
    if (block.noCheck !== undefined) continue;
    const dir = join(workDir, slug(block.file));
    mkdirSync(dir, { recursive: true });
    let name = block.fileName !== undefined && !used.has(`${dir}/${block.fileName}`) ? block.fileName : `block-${block.index}.ts`;
    if (existsSync(join(dir, name))) name = `block-${block.index}.ts`;
    used.add(`${dir}/${name}`);
    const parts: string[] = [];
    const segments: Segment[] = [];
    let line = 1;
    if (block.continues) {
      const before = previous.get(block.file);
      if (before !== undefined) {
        parts.push(before.code);
        for (const s of before.segments) segments.push({ ...s });
        line += before.code.split('\n').length;
      }
    }
    if (block.prelude !== undefined) {
      segments.push({ from: line, count: block.prelude.split('\n').length, block, prelude: true });
      parts.push(block.prelude);
      line += block.prelude.split('\n').length;
    }
    segments.push({ from: line, count: block.code.split('\n').length, block });
    parts.push(block.code);
    const code = parts.join('\n');
    previous.set(block.file, { code, segments });
    writeFileSync(join(dir, name), `${code}\nexport {};\n`);
    generated.set(join(dir, name), segments);
  }
  const first = await compileFiles([...generated.keys()], generated, workDir, repoRoot);
  // tsc reports no semantic error while any file has a syntax error (TS1xxx): the files with one are reported
  // as they are, and the others compiled again without them, so one broken block hides nothing elsewhere.
  const broken = new Set(first.errors.filter((e) => /^TS1\d{3}:/.test(e.message)).map((e) => e.path));
  if (broken.size === 0) return { errors: first.errors.map(strip), other: first.other, compiled: generated.size };
  const second = await compileFiles(
    [...generated.keys()].filter((f) => !broken.has(f)),
    generated,
    workDir,
    repoRoot,
  );
  return {
    errors: [...first.errors.filter((e) => broken.has(e.path)), ...second.errors].map(strip),
    other: [...new Set([...first.other, ...second.other])],
    compiled: generated.size,
  };
};

const strip = ({ path: _path, ...error }: BlockError & { path: string }): BlockError => error;

const compileFiles = async (
  files: string[],
  generated: Map<string, Segment[]>,
  workDir: string,
  repoRoot: string,
): Promise<{ errors: (BlockError & { path: string })[]; other: string[] }> => {
  const rel = relative(workDir, repoRoot);
  writeFileSync(
    join(workDir, 'tsconfig.json'),
    JSON.stringify(
      {
        extends: `${rel}/tsconfig.base.json`,
        compilerOptions: {
          noEmit: true,
          composite: false,
          declaration: false,
          declarationMap: false,
          sourceMap: false,
          paths: { '@lambdaware/*': [`${rel}/packages/*/src/index.ts`] },
        },
        files: files.map((f) => relative(workDir, f)),
      },
      null,
      2,
    ),
  );
  const { output } = await typecheck(join(workDir, 'tsconfig.json'));
  const errors: (BlockError & { path: string })[] = [];
  const other: string[] = [];
  let last: (BlockError & { path: string }) | undefined;
  for (const text of output.split('\n')) {
    if (text.trim() === '') continue;
    const m = /^(.+?)\((\d+),(\d+)\): (error|warning) (TS\d+: .*)$/.exec(text);
    if (m === null) {
      // a continuation line of the previous diagnostic
      if (last !== undefined) last.message += `\n    ${text.trim()}`;
      else other.push(text);
      continue;
    }
    const path = resolve(m[1]); // tsc names files relative to the current directory
    const at = Number(m[2]);
    const segment = generated.get(path)?.find((s) => at >= s.from && at < s.from + s.count);
    if (segment === undefined) {
      other.push(`${relative(repoRoot, path)}(${m[2]},${m[3]}): ${m[5]}`);
      last = undefined;
      continue;
    }
    last = {
      path,
      file: segment.block.file,
      block: segment.block.index,
      line: segment.prelude ? segment.block.fenceLine : segment.block.fenceLine + (at - segment.from) + 1,
      message: segment.prelude ? `in its ts-prelude, line ${at - segment.from + 1}: ${m[5]}` : `${m[5]} (column ${m[3]})`,
    };
    errors.push(last);
  }
  return { errors, other };
};

/** The Markdown files whose TypeScript blocks are compiled: READMEs (root, packages, examples) and docs/*.md. */
export const markdownFiles = (repoRoot: string): string[] => {
  const files = ['README.md', 'CONTRIBUTING.md'];
  for (const group of ['packages', 'examples']) {
    for (const entry of readdirSync(join(repoRoot, group), { withFileTypes: true })) {
      if (entry.isDirectory() && existsSync(join(repoRoot, group, entry.name, 'README.md'))) files.push(`${group}/${entry.name}/README.md`);
    }
  }
  if (existsSync(join(repoRoot, 'examples/README.md'))) files.push('examples/README.md');
  for (const entry of readdirSync(join(repoRoot, 'docs'))) if (entry.endsWith('.md')) files.push(`docs/${entry}`);
  return files.filter((f) => existsSync(join(repoRoot, f))).sort();
};

export const readBlocks = (repoRoot: string, files: string[]): Block[] => files.flatMap((f) => extractBlocks(f, readFileSync(join(repoRoot, f), 'utf8')));

export const formatErrors = (errors: BlockError[]): string => errors.map((e) => `${e.file}:${e.line} (TypeScript block ${e.block}): ${e.message}`).join('\n');

export const here = (url: string): string => dirname(new URL(url).pathname);
