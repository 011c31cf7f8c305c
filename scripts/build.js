#!/usr/bin/env node
'use strict';
// Compiles the TypeScript sources and lays out dist/nodes/<node>/ the way Node-RED's registry expects:
// the editor .html, locales/ and icons/ must sit beside each compiled runtime file or they are never found.
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const dist = path.join(root, 'dist');

function compile() {
  const tsc = require.resolve('typescript/bin/tsc');
  const result = spawnSync(process.execPath, [tsc, '-p', path.join(root, 'tsconfig.json')], { stdio: 'inherit' });
  if (result.status !== 0) {
    process.exit(result.status ?? 1);
  }
}

function copyNodeAssets() {
  const nodesDir = path.join(root, 'nodes');
  const iconsDir = path.join(root, 'icons');
  for (const name of fs.readdirSync(nodesDir)) {
    const editorFile = path.join(nodesDir, name, `${name}.html`);
    if (!fs.existsSync(editorFile)) continue;
    const target = path.join(dist, 'nodes', name);
    fs.mkdirSync(target, { recursive: true });
    fs.copyFileSync(editorFile, path.join(target, `${name}.html`));
    const locales = path.join(nodesDir, name, 'locales');
    if (fs.existsSync(locales)) fs.cpSync(locales, path.join(target, 'locales'), { recursive: true });
    if (fs.existsSync(iconsDir)) fs.cpSync(iconsDir, path.join(target, 'icons'), { recursive: true });
  }
}

function checkRegisteredNodes() {
  const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
  const missing = Object.entries(pkg['node-red'].nodes)
    .flatMap(([type, file]) => {
      const js = path.join(root, file);
      const html = js.replace(/\.js$/, '.html');
      return [js, html].filter((f) => !fs.existsSync(f)).map((f) => `${type}: ${path.relative(root, f)}`);
    });
  if (missing.length > 0) {
    console.error(`build: files named in package.json node-red.nodes are missing:\n  ${missing.join('\n  ')}`);
    process.exit(1);
  }
}

compile();
copyNodeAssets();
checkRegisteredNodes();
