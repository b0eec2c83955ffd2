#!/usr/bin/env node
// The npm registry reachable here serves only the Linux builds of packages that ship one optional package per
// platform (@swc/core-darwin-arm64 answers 404), so `npm install` leaves the other platforms' entries out of
// package-lock.json, and `npm ci` then refuses the lockfile ("Missing: @swc/core-darwin-arm64@ from lock file").
// This adds those entries back as npm itself writes them for an uninstalled platform: version, optional, and the
// os/cpu read from the package name, so `npm ci` skips them on Linux without fetching anything.
// Run after every `npm install` that changes the lockfile: `node scripts/complete-lockfile.mjs`.
import { readFileSync, writeFileSync } from 'node:fs';

const path = new URL('../package-lock.json', import.meta.url);
const lock = JSON.parse(readFileSync(path, 'utf8'));
const packages = lock.packages;

const OS = ['darwin', 'linux', 'win32', 'freebsd', 'android', 'openbsd', 'netbsd', 'sunos', 'aix', 'openharmony'];
const CPU = ['arm64', 'x64', 'ia32', 'arm', 'ppc64', 's390x', 'riscv64', 'loong64', 'wasm32', 'mips64el'];
const platformOf = (name) => {
  const parts = name.split('/').pop().split('-');
  const os = parts.find((p) => OS.includes(p)) ?? (parts.includes('windows') ? 'win32' : parts.includes('macos') ? 'darwin' : undefined);
  const cpu = parts.find((p) => CPU.includes(p)) ?? (parts.includes('x86') ? 'ia32' : undefined);
  return { os, cpu };
};

// Where node would resolve `name` from the package at `from` (its own node_modules, then each ancestor's).
const resolves = (from, name) => {
  let dir = from;
  for (;;) {
    if (packages[`${dir ? `${dir}/` : ''}node_modules/${name}`]) return true;
    if (!dir) return false;
    const i = dir.lastIndexOf('node_modules/');
    dir = i <= 0 ? '' : dir.slice(0, i - 1);
  }
};

let added = 0;
for (const [at, pkg] of Object.entries(packages)) {
  for (const [name, spec] of Object.entries(pkg.optionalDependencies ?? {})) {
    if (resolves(at, name) || !/^\d+\.\d+\.\d+(-[\w.]+)?$/.test(spec)) continue;
    const { os, cpu } = platformOf(name);
    if (!os && !cpu) continue; // not a per-platform build: leave it to npm
    const entry = { version: spec };
    if (pkg.dev) entry.dev = true;
    entry.optional = true;
    if (cpu) entry.cpu = [cpu];
    if (os) entry.os = [os];
    packages[`node_modules/${name}`] = entry;
    added++;
  }
}
if (added > 0) {
  // npm keeps the keys sorted this way; so do we, so that the next `npm install` rewrites nothing.
  lock.packages = Object.fromEntries(Object.entries(packages).sort(([a], [b]) => a.localeCompare(b, 'en')));
  writeFileSync(path, `${JSON.stringify(lock, null, 2)}\n`);
}
console.log(`complete-lockfile: added ${added} platform entries`);
