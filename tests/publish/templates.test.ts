// Every SAM example deploys versions: each function publishes a version behind the "live" alias
// (AutoPublishAlias, on the function or in Globals) and says how traffic moves to it (DeploymentPreference), with an
// errors alarm on the alias to roll back when the shift is gradual. One example (sqs-concat) deploys the lambdaware
// layer. cfn-lint (with the SAM translator) checks each template when it is installed; CI's fresh machine has none,
// so there the check is skipped with a message.
import { describe, expect, it } from '@jest/globals';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { loadTemplate, resourcesOf } from '../../examples/test-helpers.js';
import { root } from './registry.js';

const examples = readdirSync(join(root, 'examples')).filter((d) => existsSync(join(root, 'examples', d, 'template.yaml')));
const cfnLint = ((): boolean => {
  try {
    execFileSync('cfn-lint', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();
if (!cfnLint) process.stdout.write('templates: cfn-lint is not installed here, the lint of the SAM templates is skipped (pip install cfn-lint)\n');

it('there are SAM examples', () => {
  expect(examples.length).toBeGreaterThanOrEqual(4);
});

describe.each(examples)('examples/%s/template.yaml', (example) => {
  const t = loadTemplate(new URL(`../../examples/${example}/template.yaml`, import.meta.url));
  const functions = resourcesOf(t, 'AWS::Serverless::Function');

  it('every function publishes a version behind the "live" alias, with a deployment preference where it fits', () => {
    expect(functions.length).toBeGreaterThan(0);
    for (const [name, fn] of functions) {
      expect(`${name} ${fn.Properties.AutoPublishAlias ?? t.Globals?.Function?.AutoPublishAlias}`).toBe(`${name} live`);
      const preference = fn.Properties.DeploymentPreference as { Type: unknown; Alarms?: { Ref: string }[] } | undefined;
      if (preference === undefined) continue; // a function nobody calls but by hand (sqs-concat's JoinFunction)
      // gradual shifts roll back on the alias's errors alarm
      if (typeof preference.Type !== 'string' || preference.Type !== 'AllAtOnce') {
        expect(preference.Alarms?.length).toBeGreaterThan(0);
        for (const alarm of preference.Alarms ?? []) {
          const resource = t.Resources[alarm.Ref];
          expect(resource.Type).toBe('AWS::CloudWatch::Alarm');
          expect(resource.Properties.Dimensions).toEqual(expect.arrayContaining([{ Name: 'Resource', Value: { 'Fn::Sub': `\${${name}}:live` } }]));
        }
      }
    }
    expect(functions.some(([, fn]) => fn.Properties.DeploymentPreference !== undefined)).toBe(true);
  });

  (cfnLint ? it : it.skip)('is cfn-lint clean (SAM transform included)', () => {
    const lint = spawnSync('cfn-lint', [join(root, 'examples', example, 'template.yaml')], { encoding: 'utf8' });
    expect(`${lint.stdout}${lint.stderr}`).toBe('');
    expect(lint.status).toBe(0);
  });
});

it('sqs-concat deploys the lambdaware layer (npm run layer) and JoinFunction uses it', () => {
  const t = loadTemplate(new URL('../../examples/sqs-concat/template.yaml', import.meta.url));
  const [[name, layer]] = resourcesOf(t, 'AWS::Serverless::LayerVersion');
  expect(layer.Properties).toMatchObject({ ContentUri: '../../dist/layer/lambdaware-layer.zip', CompatibleRuntimes: ['nodejs22.x'] });
  expect(t.Resources.JoinFunction.Properties).toMatchObject({ CodeUri: 'layer-function/', Handler: 'handler.handler', Layers: [{ Ref: name }] });
  expect(existsSync(join(root, 'examples/sqs-concat/layer-function/handler.mjs'))).toBe(true);
});
