import { type OptionsErrorFields, type OptionsErrorInit, markOptionsError, nameErrorClass, optionsErrorFields } from '@lambdaware/shared';

/**
 * A problem with what was asked (an option, the handler string, the event), found before anything runs.
 * The CLI prints its message and exits with code 3.
 */
export class InvokeUsageError extends Error {}

/**
 * A bad option given to `invoke()`: an InvokeUsageError that is also the shared OptionsError of @lambdaware/shared
 * (`package`, `fn`, `option`, `expected`, `given`, `problem`; `instanceof OptionsError` holds).
 */
export class InvokeOptionsError extends InvokeUsageError implements OptionsErrorFields {
  declare readonly package: string;
  declare readonly fn: string;
  declare readonly option: string;
  declare readonly expected: string | undefined;
  declare readonly given: string | undefined;
  declare readonly problem: string;

  constructor(init: OptionsErrorInit) {
    const fields = optionsErrorFields(init);
    super(fields.message);
    markOptionsError(this, fields);
  }
}
nameErrorClass(InvokeUsageError, 'InvokeUsageError');
nameErrorClass(InvokeOptionsError, 'InvokeOptionsError');
