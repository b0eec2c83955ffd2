// What @sentry/node's default integrations add to every event, for the light reporter's events to have the same
// shape as the official SDK's (the `module` of each frame; the `app`, `os`, `device`, `culture`, `cloud_resource`
// contexts; `server_name`). Computed once per process (the memory values per event), with Node's `os` only: no
// subprocess, no file read at event time.
import * as os from 'node:os';
import { posix } from 'node:path';

/**
 * The `module` of a frame, as @sentry/node-core's `createGetModuleFromFilename` names it (MIT, Sentry): relative to
 * the main script's directory, `node_modules` paths as `<package path with dots>:<file>`, extension dropped.
 */
export const createGetModule =
  (basePath: string = process.argv[1] ? posix.dirname(process.argv[1]) : process.cwd()) =>
  (filename: string | undefined): string | undefined => {
    if (!filename) return undefined;
    let { dir, base: file, ext } = posix.parse(filename);
    if (ext === '.js' || ext === '.mjs' || ext === '.cjs') file = file.slice(0, -ext.length);
    let decoded = file;
    try {
      decoded = decodeURIComponent(file);
    } catch {
      // not URI-encoded
    }
    if (!dir) dir = '.';
    const n = dir.lastIndexOf('/node_modules');
    if (n > -1) return `${dir.slice(n + 14).replaceAll('/', '.')}:${decoded}`;
    if (dir.startsWith(basePath)) {
      const name = dir.slice(basePath.length + 1).replaceAll('/', '.');
      return name ? `${name}:${decoded}` : decoded;
    }
    return decoded;
  };

const guarded = <T>(fn: () => T): T | undefined => {
  try {
    return fn();
  } catch {
    return undefined;
  }
};

let fixed: Record<string, Record<string, unknown>> | undefined;

const fixedContexts = (): Record<string, Record<string, unknown>> => {
  if (fixed !== undefined) return fixed;
  const cpus = guarded(() => os.cpus()) ?? [];
  const uptime = guarded(() => os.uptime());
  const device: Record<string, unknown> = {};
  if (typeof uptime === 'number') device.boot_time = new Date(Date.now() - uptime * 1000).toISOString();
  device.arch = os.arch();
  device.memory_size = os.totalmem();
  device.free_memory = os.freemem();
  if (cpus[0]) {
    device.processor_count = cpus.length;
    device.cpu_description = cpus[0].model;
    device.processor_frequency = cpus[0].speed;
  }
  const culture: Record<string, unknown> = {};
  const intl = guarded(() => Intl.DateTimeFormat().resolvedOptions());
  if (intl) {
    culture.locale = intl.locale;
    culture.timezone = intl.timeZone;
  }
  const cloud: Record<string, unknown> = {};
  if (process.env.AWS_REGION) {
    cloud['cloud.provider'] = 'aws';
    cloud['cloud.region'] = process.env.AWS_REGION;
    if (process.env.AWS_EXECUTION_ENV) cloud['cloud.platform'] = process.env.AWS_EXECUTION_ENV;
  }
  fixed = {
    app: { app_start_time: new Date(Date.now() - process.uptime() * 1000).toISOString() },
    os: { kernel_version: os.release(), name: os.type() === 'Linux' ? 'Linux' : os.type() },
    device,
    culture,
    cloud_resource: cloud,
  };
  return fixed;
};

/** The node contexts of an event now (memory values as of now). */
export const nodeContexts = (): Record<string, Record<string, unknown>> => {
  const f = fixedContexts();
  const app: Record<string, unknown> = { ...f.app, app_memory: process.memoryUsage.rss() };
  const available = (process as { availableMemory?: () => number }).availableMemory;
  if (typeof available === 'function') app.free_memory = guarded(() => available.call(process));
  return { ...f, app, device: { ...f.device, free_memory: os.freemem() } };
};

export const serverName = (): string => guarded(() => os.hostname()) ?? 'unknown';
