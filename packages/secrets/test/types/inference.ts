// Compiled (not run) by types.test.ts: each `@ts-expect-error` must be an error, everything else must compile.
import middy from '@middy/core';
import { z } from 'zod';
import { getSecretValues, secret, secrets } from '@lambdaware/secrets';

const DbSecret = z.object({ user: z.string(), password: z.string(), port: z.number() });

export const handler = middy()
  .use(
    secrets({
      fetch: {
        db: { id: process.env.DB_SECRET_ARN, schema: DbSecret },
        apiKey: { env: 'API_KEY_SECRET', parse: 'text' },
        key: { id: 'signing', parse: 'binary' },
        slack: 'prod/slack',
        hook: secret<{ url: string }>('prod/hook'),
      },
    }),
  )
  .handler(async (_event: unknown, context) => {
    const port: number = context.secrets.db.port;
    const password: string = context.secrets.db.password;
    // @ts-expect-error the schema has no `host`
    context.secrets.db.host;
    // @ts-expect-error port is a number
    const wrong: string = context.secrets.db.port;
    const text: string = context.secrets.apiKey;
    // @ts-expect-error parse: 'text' is a string
    const notNumber: number = context.secrets.apiKey;
    const bytes: Uint8Array = context.secrets.key;
    const token: string = context.secrets.slack.token; // no schema: unvalidated JSON, the user's to narrow
    const typed: { url: string } = context.secrets.hook;
    // @ts-expect-error secret<T>() types the value
    context.secrets.hook.nope;
    // @ts-expect-error not fetched
    context.secrets.other;
    context.functionName satisfies string; // the Lambda context is still there
    return { port, password, wrong, text, notNumber, bytes, token, typed };
  });

export const plain = async () => {
  const db = await getSecretValues('prod/db', DbSecret);
  const n: number = db.port;
  // @ts-expect-error inferred from the schema
  const s: string = db.port;
  const t: string = await getSecretValues('prod/key', undefined, { parse: 'text' });
  // @ts-expect-error parse: 'text' gives a string
  const u: number = await getSecretValues('prod/key', undefined, { parse: 'text' });
  return { n, s, t, u };
};

// @ts-expect-error unknown parse mode
secrets({ fetch: { a: { id: 'x', parse: 'yaml' } } });

// which values are secret, and the bounds: typed options
secrets({ fetch: { db: { id: 'x', schema: DbSecret, redact: ['password'], notSecret: ['host'] } }, fetchMargin: 300, prefetchTimeout: 5000 });
// @ts-expect-error redact is a list of paths
secrets({ fetch: { db: { id: 'x', redact: 'password' } } });
export const bounded = async (context: { getRemainingTimeInMillis(): number }) => {
  const db = await getSecretValues('prod/db', DbSecret, { context, redact: ['password'] });
  await getSecretValues('prod/db', undefined, { timeoutMs: 2000, notSecret: ['host'] });
  // @ts-expect-error context must give the remaining time
  await getSecretValues('prod/db', undefined, { context: {} });
  return db.port;
};

// SSM parameters and AppConfig profiles: typed by their spec (parse) or schema
export const parameters = middy()
  .use(
    secrets({
      fetch: {
        url: { ssm: '/app/url' },
        hosts: { ssm: '/app/hosts', parse: 'list' },
        limits: { ssm: '/app/limits', parse: 'json', schema: z.object({ perMinute: z.number() }) },
        config: { ssmPath: '/app/config' },
        lists: { ssmPath: '/app/lists', parse: 'list' },
        flags: { appConfig: { application: 'a', environment: 'e', profile: 'p' }, schema: z.object({ on: z.boolean() }) },
        notes: { appConfig: { application: 'a', environment: 'e', profile: 'notes' }, parse: 'text' },
      },
    }),
  )
  .handler(async (_event: unknown, context) => {
    const url: string = context.secrets.url;
    // @ts-expect-error a parameter is a string unless parse says otherwise
    const urlNumber: number = context.secrets.url;
    const hosts: string[] = context.secrets.hosts;
    const perMinute: number = context.secrets.limits.perMinute;
    // @ts-expect-error the schema has no `burst`
    context.secrets.limits.burst;
    const config: Record<string, string> = context.secrets.config;
    const lists: Record<string, string[]> = context.secrets.lists;
    const on: boolean = context.secrets.flags.on;
    const notes: string = context.secrets.notes;
    return { url, urlNumber, hosts, perMinute, config, lists, on, notes };
  });
