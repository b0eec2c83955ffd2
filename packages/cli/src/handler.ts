import { existsSync } from 'node:fs';
import { basename, dirname, extname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { InvokeUsageError } from './errors.js';

/** Where the runtime finds the handler: the `_HANDLER` string and the `LAMBDA_TASK_ROOT` it is relative to. */
export interface HandlerLocation {
  /** `LAMBDA_TASK_ROOT`: the function's code directory (also the child's working directory, like /var/task). */
  taskRoot: string;
  /** `_HANDLER`, e.g. `index.handler` or `dist/handlers/sqs.main`. */
  handler: string;
  /** The module file as given, absolute. */
  modulePath: string;
  exportName: string;
}

const EXTENSIONS = ['.js', '.mjs', '.cjs'];
// The order in which aws-lambda-ric tries a handler module's file name.
const RIC_LOOKUP = ['', '.js', '.mjs', '.cjs'];

/**
 * Maps `path/to/module.mjs#export` (export defaults to `handler`) to Lambda's handler setting. The runtime
 * resolves `_HANDLER=dir/name.export` to `LAMBDA_TASK_ROOT/dir/name` + the first of '', .js, .mjs, .cjs that
 * exists, so a module name cannot contain a dot, and `name.mjs` cannot be chosen while `name.js` sits beside it:
 * both are refused here with an explanation rather than silently running another file.
 */
export function resolveHandler(spec: string, options: { taskRoot?: string; cwd?: string } = {}): HandlerLocation {
  if (typeof spec !== 'string' || spec.trim() === '') {
    throw new InvokeUsageError('handler: expected "<module file>[#export]", e.g. dist/index.js#handler');
  }
  const hash = spec.lastIndexOf('#');
  const file = hash === -1 ? spec : spec.slice(0, hash);
  const exportName = hash === -1 ? 'handler' : spec.slice(hash + 1);
  if (file === '') throw new InvokeUsageError(`handler "${spec}": the module file is missing before "#"`);
  if (!/^[A-Za-z_$][\w$]*(\.[A-Za-z_$][\w$]*)*$/.test(exportName)) {
    throw new InvokeUsageError(
      `handler "${spec}": "${exportName}" is not an export name (expected an identifier such as "handler", or a dotted path such as "handlers.sqs")`,
    );
  }
  const cwd = options.cwd ?? process.cwd();
  const modulePath = resolve(cwd, file);
  const ext = extname(modulePath);
  const known = EXTENSIONS.includes(ext);
  const stem = known ? modulePath.slice(0, -ext.length) : modulePath;
  const name = basename(stem);
  if (name.includes('.')) {
    throw new InvokeUsageError(
      `handler "${spec}": Lambda cannot load a module whose name contains a dot ("${basename(modulePath)}"): ` +
        `its handler setting is "<module>.<export>". Rename the file, e.g. to "${name.replaceAll('.', '-')}${ext}".`,
    );
  }
  if (known) {
    const shadow = RIC_LOOKUP.slice(0, RIC_LOOKUP.indexOf(ext)).find((candidate) => existsSync(stem + candidate));
    if (shadow !== undefined) {
      throw new InvokeUsageError(
        `handler "${spec}": Lambda would load "${basename(stem + shadow)}" instead of "${basename(modulePath)}" ` +
          `(the runtime tries '', .js, .mjs, .cjs in that order). Rename one of them.`,
      );
    }
  }
  const taskRoot = options.taskRoot === undefined ? dirname(modulePath) : resolve(cwd, options.taskRoot);
  const dir = relative(taskRoot, dirname(modulePath));
  if (dir.startsWith('..') || isAbsolute(dir)) {
    throw new InvokeUsageError(`handler "${spec}": the module is outside the task root ${taskRoot}`);
  }
  const handler = (dir === '' ? name : join(dir, name).split(sep).join('/')) + '.' + exportName;
  return { taskRoot, handler, modulePath, exportName };
}
