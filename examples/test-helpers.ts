// Helpers shared by the examples' tests (not a workspace: no package.json here).
import { readFileSync } from 'node:fs';
import yaml from 'js-yaml';

/** A real AWS sample event from aws-lambda-go (cloned beside this repository as ../shared). */
export const awsSample = <T = Record<string, unknown>>(name: string): T =>
  JSON.parse(readFileSync(new URL(`../fixtures/events/aws-lambda-go/${name}`, import.meta.url), 'utf8')) as T;

// CloudFormation's short-form intrinsic functions (`!Ref`, `!GetAtt`, `!Sub`...), read as their long form.
const intrinsic = (tag: string, name: string, kinds: ('scalar' | 'sequence' | 'mapping')[]) =>
  kinds.map(
    (kind) =>
      new yaml.Type(`!${tag}`, {
        kind,
        construct: (data: unknown) => (name === 'Fn::GetAtt' && typeof data === 'string' ? { [name]: data.split('.') } : { [name]: data }),
      }),
  );
const CFN_SCHEMA = yaml.Schema.create(yaml.DEFAULT_SAFE_SCHEMA, [
  ...intrinsic('Ref', 'Ref', ['scalar']),
  ...intrinsic('GetAtt', 'Fn::GetAtt', ['scalar', 'sequence']),
  ...['Sub', 'Join', 'If', 'Equals', 'Not', 'And', 'Or', 'Select', 'Split', 'FindInMap', 'Base64', 'ImportValue', 'GetAZs'].flatMap((f) =>
    intrinsic(f, `Fn::${f}`, ['scalar', 'sequence', 'mapping']),
  ),
]);

/** A SAM/CloudFormation template read with js-yaml, intrinsic functions in their long form. */
export const loadTemplate = (url: URL): Template => yaml.load(readFileSync(url, 'utf8'), { schema: CFN_SCHEMA }) as Template;

export interface Template {
  AWSTemplateFormatVersion?: string;
  Transform: string;
  Parameters?: Record<string, { Type: string; Default?: unknown; NoEcho?: boolean }>;
  Globals?: Record<string, Record<string, unknown>>;
  Resources: Record<string, { Type: string; Properties: Record<string, any>; Metadata?: Record<string, unknown> }>;
  Outputs?: Record<string, { Value: unknown }>;
}

/** The resources of a type. */
export const resourcesOf = (t: Template, type: string) => Object.entries(t.Resources).filter(([, r]) => r.Type === type);

/** The parsed JSON lines among the function's log lines (CloudWatch lines that are not JSON are skipped). */
export const jsonLines = (lines: string[]): Record<string, any>[] =>
  lines.flatMap((l) => {
    const start = l.indexOf('{');
    if (start === -1) return [];
    try {
      return [JSON.parse(l.slice(start)) as Record<string, any>];
    } catch {
      return [];
    }
  });
