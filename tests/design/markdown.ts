// Reading the tables of docs/design.md (tests/design/design-doc.test.ts).

/** The rows of a Markdown table (cells trimmed), with its header row. */
export type Table = string[][] & { header: string[] };

const cellsOf = (line: string): string[] =>
  line
    .trim()
    .replace(/^\|/, '')
    .replace(/\|$/, '')
    .split(/(?<!\\)\|/)
    .map((c) => c.trim());

/** The first table after the heading line that is `heading` or starts with it and a space (before the next heading). */
export const tableAfter = (markdown: string, heading: string): Table => {
  const lines = markdown.split('\n');
  const from = lines.findIndex((l) => l.trim() === heading || l.startsWith(`${heading} `));
  if (from < 0) throw new Error(`no line "${heading}"`);
  let i = from + 1;
  while (i < lines.length && !lines[i]!.trim().startsWith('|') && !lines[i]!.startsWith('#')) i++;
  if (i >= lines.length || !lines[i]!.trim().startsWith('|')) throw new Error(`no table after "${heading}"`);
  const header = cellsOf(lines[i]!);
  const rows: string[][] = [];
  for (i += 2; i < lines.length && lines[i]!.trim().startsWith('|'); i++) rows.push(cellsOf(lines[i]!));
  return Object.assign(rows, { header });
};

/** The dependencies a package table cell names, by kind. */
export interface Deps {
  dependencies: string[];
  peer: string[];
  optionalPeer: string[];
}

const PACKAGE_NAME = /^(@[a-z0-9][a-z0-9._~-]*\/)?[a-z0-9][a-z0-9._~-]*$/;

/**
 * A "runtime dependencies" cell: `none`, or `;`-separated groups: the dependencies, then `peer ...` and
 * `optional peer ...`; each name in backticks. What stands in parentheses is a note, not a dependency.
 */
export const depsOfColumn = (cell: string): Deps => {
  const deps: Deps = { dependencies: [], peer: [], optionalPeer: [] };
  if (cell.trim() === 'none') return deps;
  for (const group of cell.split(';').map((g) => g.trim())) {
    let text = group;
    while (/\([^()]*\)/.test(text)) text = text.replace(/\([^()]*\)/g, '');
    const kind = /^optional peer\s/.test(text) ? 'optionalPeer' : /^peer\s/.test(text) ? 'peer' : /^`/.test(text) ? 'dependencies' : undefined;
    if (kind === undefined) throw new Error(`runtime dependencies: cannot read the group "${group}" (names in backticks, "peer" or "optional peer" first)`);
    for (const [, name] of text.matchAll(/`([^`]+)`/g)) if (PACKAGE_NAME.test(name!)) deps[kind].push(name!);
  }
  for (const k of Object.keys(deps) as (keyof Deps)[]) deps[k].sort();
  return deps;
};
